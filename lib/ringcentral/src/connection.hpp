#pragma once
// One HTTP/1.1 connection to an origin, plain or TLS (1.2 and later, SNI,
// peer and host name verified), and the pool that keeps idle ones for reuse.
// Internal to the client: Beast stays in lib/ringcentral/src.
//
// Threading: io thread only.

#include "origin.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace rcvault::ringcentral {

using wire_request = boost::beast::http::request<boost::beast::http::string_body>;

struct exchange_limits {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  // the write and the whole answer
  std::size_t max_body = 64u << 20;
};

// What one request on the wire gave: either a failure (`failure` set to
// "network", "timeout", "tls", "too_large" or "aborted") or an answer.
struct wire_answer {
  std::string failure;
  std::string detail;   // the transport's error text, for logs (never holds a secret)
  unsigned status = 0;
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names
  std::string body;     // empty when a sink took a 2xx body
};

class connection {
 public:
  // Does no I/O; the first exchange connects.
  connection(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls, origin where);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Sends `req` and reads the answer. A 2xx body goes to `sink` when one is
  // given (its false return ends the exchange as "aborted"), else into
  // answer.body; the body may not exceed limits.max_body ("too_large"). A
  // reused connection that turns out dead is reconnected once at once.
  boost::asio::awaitable<wire_answer> exchange(wire_request& req, const exchange_limits& limits,
                                               const std::function<bool(std::string_view)>* sink);

  // True when the last exchange left the connection open for another request.
  bool reusable() const noexcept;
  // Closes the socket: a pending exchange ends at once.
  void close() noexcept;
  const origin& where() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Idle connections per origin, and the busy ones so cancel() can close them.
class connection_pool {
 public:
  explicit connection_pool(boost::asio::any_io_executor ex, boost::asio::ssl::context& tls);
  // An idle connection to `where`, or a new one.
  std::unique_ptr<connection> acquire(const origin& where);
  // Takes a connection back: kept when reusable, else closed.
  void release(std::unique_ptr<connection> c);
  // Closes every idle and busy connection.
  void close_all() noexcept;

 private:
  boost::asio::any_io_executor ex_;
  boost::asio::ssl::context& tls_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::set<connection*> busy_;
};

}  // namespace rcvault::ringcentral
