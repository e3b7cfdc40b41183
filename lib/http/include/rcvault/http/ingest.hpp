#pragma once
// The webhook handler (docs/ingest.md): Validation-Token handshake, the
// verification token, size and media type checks, then the one accept step
// (accept::gateway) and an answer only after the commit. Testable without
// sockets.

#include "rcvault/accept/gateway.hpp"
#include "rcvault/core/notification.hpp"
#include "rcvault/http/handler.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace rcvault::http {

class metrics;

// What the webhook checks requests against.
struct ingest_settings {
  std::string path = "/webhook";                   // matched with or without a query string
  std::optional<std::string> verification_token;   // secret: never logged
  std::size_t max_body_bytes = 1048576;
};

// Where a parsed body goes: accept::gateway::accept_now as a function, so the
// handler can be tested without a database.
struct ingest_target {
  // Accepts a parsed body (`raw` is the body as received); `done` runs exactly once, on any thread.
  std::function<void(core::result<core::notification>, std::string_view raw, accept::completion)> accept;
};

// Returns a target that hands every body to `g` (which must outlive it).
ingest_target gateway_target(accept::gateway& g);

// Everything handle_ingest needs; `stats` may be null.
struct ingest_context {
  ingest_settings settings;
  ingest_target target;
  metrics* stats = nullptr;
};

// Answers one request already routed to the webhook path (any method: others
// get 405). Suspends until the writer completed the notification; the
// completion is resumed on the coroutine's executor. Never throws on bad input.
boost::asio::awaitable<response> handle_ingest(const request& req, ingest_context& ctx);

// True when `content_type` is application/json, parameters (charset) allowed,
// case-insensitive.
bool is_json_media_type(std::string_view content_type) noexcept;

// Compares in time that depends only on the length of `expected`.
bool constant_time_equal(std::string_view expected, std::string_view given) noexcept;

// Returns `target` without its query string.
std::string_view path_of(std::string_view target) noexcept;

}  // namespace rcvault::http
