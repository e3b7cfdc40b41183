#pragma once
// Waiting on the io thread for what another thread reports (the writer's
// commit, room in its queue, a poke), without blocking the thread. Internal.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace rcvault::attachments::detail {

// Moves callbacks from any thread onto the io executor while open; after
// close() they are dropped (the coroutine that waited for them is gone).
// Shared by the callbacks, so it outlives whoever made it.
class relay {
 public:
  void open(boost::asio::any_io_executor ex) {
    std::lock_guard lock(m_);
    ex_ = std::move(ex);
  }
  void post(std::function<void()> f) {
    std::lock_guard lock(m_);
    if (ex_) boost::asio::post(*ex_, std::move(f));
  }
  void close() {
    std::lock_guard lock(m_);
    ex_.reset();
  }

 private:
  std::mutex m_;
  std::optional<boost::asio::any_io_executor> ex_;
};

// Something set and awaited on the io thread.
class io_event {
 public:
  explicit io_event(boost::asio::any_io_executor ex) : timer_(ex, boost::asio::steady_timer::time_point::max()) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const noexcept { return set_; }
  // Returns true once set, false when `cs` (the awaiting coroutine's) was cancelled first.
  boost::asio::awaitable<bool> wait(const boost::asio::cancellation_state& cs);

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

// Sleeps until `d` passed (true), or `cs` was cancelled (false); `timer`
// may be cancelled by another callback to end the sleep early (true).
// The coroutines that call these set this_coro::throw_if_cancelled(false)
// and look at their cancellation state themselves.
boost::asio::awaitable<bool> sleep_for(boost::asio::steady_timer& timer, std::chrono::steady_clock::duration d,
                                       const boost::asio::cancellation_state& cs);

inline bool cancelled(const boost::asio::cancellation_state& cs) {
  return cs.cancelled() != boost::asio::cancellation_type::none;
}

}  // namespace rcvault::attachments::detail
