#pragma once
// The client's state and its one request loop (pacing, token, retries),
// shared by client.cpp and download.cpp. Internal.

#include "connection.hpp"
#include "origin.hpp"
#include "rcvault/ringcentral/client.hpp"
#include "rcvault/ringcentral/pacer.hpp"
#include "token_source.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <mutex>
#include <random>
#include <set>

namespace rcvault::ringcentral {

struct client::impl {
  impl(boost::asio::io_context& io, client_options o);

  enum class auth { none, basic, bearer };

  // One logical call; execute() may send it several times.
  struct call {
    std::string method = "GET";
    origin where;
    std::string target;
    std::string body;
    std::string content_type;
    rate_group group = rate_group::light;
    std::string endpoint;                 // the path template, for metrics and logs
    auth how = auth::bearer;
    const body_sink* sink = nullptr;      // a 2xx body goes there instead of the answer
    const std::size_t* delivered = nullptr;  // bytes the sink took: none retried after the first
    std::size_t max_body = 0;
    bool redirects_are_answers = false;   // 3xx returned to the caller (download follows them)
  };

  // Sends `c` until it gets an answer worth returning: waits its turn in the
  // group, renews the token once on a 401, waits Retry-After on 429 and backs
  // off on 5xx and network failures, at most max_attempts times each.
  boost::asio::awaitable<api_result<api_response>> execute(call c);

  boost::asio::awaitable<wire_answer> send_once(const call& c, const std::string& token);
  // Waits until a request of `g` may start; false when cancelled.
  boost::asio::awaitable<bool> wait_turn(rate_group g);
  // Waits until `t`; false when cancelled.
  boost::asio::awaitable<bool> sleep_until(steady_time t);
  void note_rate_headers(rate_group g, const std::map<std::string, std::string, std::less<>>& headers);
  void count(const std::string& endpoint, unsigned status);
  static api_error cancelled_error();

  boost::asio::any_io_executor ex;
  client_options opts;
  boost::asio::ssl::context tls;
  std::optional<api_error> setup_error;  // a bad server URL or an unreadable ca_file: every call fails with it
  origin server;
  connection_pool pool;
  pacer pace;
  token_source tokens;
  bool cancelled = false;
  std::set<boost::asio::steady_timer*> timers;
  std::mt19937_64 jitter{std::random_device{}()};

  mutable std::mutex stats_mutex;
  client_stats counters;
};

}  // namespace rcvault::ringcentral
