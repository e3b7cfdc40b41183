#include "io_event.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rcvault::attachments::detail {
namespace asio = boost::asio;

asio::awaitable<bool> io_event::wait(const asio::cancellation_state& cs) {
  while (!set_) {
    if (cancelled(cs)) co_return false;
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return true;
}

asio::awaitable<bool> sleep_for(asio::steady_timer& timer, std::chrono::steady_clock::duration d,
                                const asio::cancellation_state& cs) {
  if (cancelled(cs)) co_return false;
  timer.expires_after(d);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !cancelled(cs);
}

}  // namespace rcvault::attachments::detail
