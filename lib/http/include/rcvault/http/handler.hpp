#pragma once
// What a route handler takes and gives back. Handlers are plain functions (or
// coroutines where they wait on the writer or a reader thread) from a request
// to a reply; the session only calls them, so they are testable without sockets.

#include "rcvault/core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace rcvault::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

// A response streamed in constant memory: `head` carries the status and
// headers (its body is ignored); the session awaits `next()` for each chunk
// and ends the stream at nullopt. Without `length` the body is sent chunked
// (HTTP/1.1); with it, the chunks must add up to exactly `length` bytes, sent
// with Content-Length (a file), and a stream that ends short or throws closes
// the connection, so the client sees the body cut.
struct stream_response {
  response head;
  std::function<boost::asio::awaitable<std::optional<std::string>>()> next;
  std::optional<std::uint64_t> length;
};

using reply = std::variant<response, stream_response>;

}  // namespace rcvault::http
