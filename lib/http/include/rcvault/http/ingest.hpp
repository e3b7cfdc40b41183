#pragma once
// The webhook handler (SPEC section 3): Validation-Token handshake, the
// verification token, size / media type / JSON checks, then submit to the
// writer and answer only after the commit. Testable without sockets.

#include "rcvault/core/notification.hpp"
#include "rcvault/http/handler.hpp"
#include "rcvault/store/writer.hpp"

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

// Where accepted and refused notifications go; store::writer's interface as
// functions so the handler can be tested without a database.
struct ingest_target {
  // Queues a notification; `done` runs exactly once, on any thread.
  std::function<void(core::notification, std::function<void(const store::write_result&)>)> submit;
  // Keeps a refused request as a dead letter.
  std::function<void(store::rejected_request)> reject;
};

// Returns a target that submits to and rejects into `w` (which must outlive it).
ingest_target writer_target(store::writer& w);

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
