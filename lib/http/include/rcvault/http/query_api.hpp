#pragma once
// The query listener's whole API (docs/api.md): the route table and the
// handler the session calls for every request on the query listener.

#include "rcvault/http/handler.hpp"
#include "rcvault/http/metrics.hpp"
#include "rcvault/store/reader_pool.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rcvault::http {

// What the query handlers need; everything referenced must outlive the requests.
struct query_context {
  store::reader_pool& readers;                           // SQL runs only on these threads
  metrics& stats;                                        // rendered by GET /metrics
  std::optional<std::string> token;                      // when set: Authorization: Bearer <token>
  std::function<std::optional<store::writer_stats>()> writer_stats;  // may be empty (no writer)
  std::filesystem::path database_path;                   // for databaseBytes
  std::function<std::string()> sync_status;              // GET /v1/sync's body; empty: Message Sync is off
  std::function<std::string()> subscription_status;      // GET /v1/subscription's body; empty: no subscription kept
  std::filesystem::path attachments_dir;                 // attachments.dir: the content endpoint's files
};

// One served route: its path pattern ("{name}" for a path segment) and the
// query parameters it accepts. GET is the only method.
struct query_route {
  std::string_view pattern;
  std::span<const std::string_view> parameters;
};

// Every route handle_query serves, in match order (for the docs test and metrics).
std::span<const query_route> query_routes() noexcept;

// The pattern of the route `target` (path with or without query) matches, or "unknown".
std::string_view query_route_name(std::string_view target) noexcept;

// Answers one request: JSON responses, or a chunked stream for the
// ndjson/csv exports. Bad input is a 4xx reply, never an exception; SQLite
// failures propagate as exceptions (the session answers 500). Must run on an
// executor whose io_context outlives `ctx.readers`' pending jobs.
boost::asio::awaitable<reply> handle_query(const request& req, query_context& ctx);

}  // namespace rcvault::http
