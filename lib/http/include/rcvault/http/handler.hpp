#pragma once
// What a route handler takes and gives back. Handlers are plain functions (or
// coroutines where they wait on the writer or a reader thread) from a request
// to a reply; the session only calls them, so they are testable without sockets.

#include "rcvault/core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace rcvault::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

// A chunked response streamed in constant memory: `head` carries the status
// and headers (its body is ignored); the session awaits `next()` for each
// chunk and ends the stream at nullopt.
struct stream_response {
  response head;
  std::function<boost::asio::awaitable<std::optional<std::string>>()> next;
};

using reply = std::variant<response, stream_response>;

}  // namespace rcvault::http
