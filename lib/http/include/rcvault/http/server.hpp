#pragma once
// The HTTP/1.1 listener: accepts on a TCP address or a unix socket and runs
// one coroutine per connection (keep-alive, a deadline on every read and
// write, a body limit per route, a cap on open connections). All of it runs on
// the io_context's one thread; routes decide what each request gets.

#include "rcvault/http/handler.hpp"
#include "rcvault/http/listen_options.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rcvault::http {

class metrics;

namespace detail {
struct listener_state;
}  // namespace detail

// The route table of one listener, as three functions of the request.
struct routes {
  // Answers from the header alone (the body unread: the connection closes if
  // one was announced), or nullopt to read the body and call `handle`.
  std::function<std::optional<response>(const request& head)> early;
  // The most body bytes accepted for this request (a bigger chunked body gets 413).
  std::function<std::uint64_t(const request& head)> body_limit;
  // Answers the full request.
  std::function<boost::asio::awaitable<reply>(request& req)> handle;
  // The route name a request is counted under in metrics ("webhook", "unknown").
  std::function<std::string(const request& req)> route_name;
};

// Test hooks of a listener; each is called on the io thread when set.
struct listener_probe {
  // An accepted connection's socket, after its options are set.
  std::function<void(int native_socket)> accepted;
  // Each write about to be issued on a connection, with its payload bytes
  // (a full response's body size, a stream's gathered bytes).
  std::function<void(std::size_t bytes)> wrote;
};

class listener {
 public:
  // Opens, binds and listens (a unix socket's stale file is removed first).
  // Throws std::system_error naming the address when it cannot bind.
  listener(boost::asio::io_context& io, const listen_spec& where, routes r, server_limits limits,
           metrics* stats = nullptr);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // The bound address: "HOST:PORT" (real port) or "unix:/path".
  std::string local_address() const;
  // The bound TCP port; 0 for a unix socket.
  std::uint16_t port() const;

  // Installs test hooks. Call before start().
  void set_probe(listener_probe probe);

  // Starts accepting. Call once, before or while the io_context runs.
  void start();
  // Stops accepting and closes idle connections; a request in progress still
  // gets its response, then its connection closes. Call on the io thread.
  void stop();
  // Closes every open connection now. Call on the io thread.
  void abort();
  // Open connections. Call on the io thread.
  std::size_t connections() const;

 private:
  std::shared_ptr<detail::listener_state> state_;
};

}  // namespace rcvault::http
