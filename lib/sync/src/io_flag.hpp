#pragma once
// Waiting on the io thread for something another thread reports (the
// writer's commit, room in the queue), without blocking the thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace rcvault::sync::detail {

// A flag set and awaited on the io thread.
class io_flag {
 public:
  explicit io_flag(boost::asio::any_io_executor ex) : timer_(ex, boost::asio::steady_timer::time_point::max()) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const noexcept { return set_; }
  // Returns once set; throws system_error(operation_aborted) when the
  // awaiting coroutine is cancelled first.
  boost::asio::awaitable<void> wait();

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

// Moves callbacks from any thread onto the io executor while open; after
// close() they are dropped (the io_context is going away).
class relay {
 public:
  explicit relay(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
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

}  // namespace rcvault::sync::detail
