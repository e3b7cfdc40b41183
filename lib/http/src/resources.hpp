#pragma once
// The query API's handlers, one file per resource (messages_resource.cpp,
// attachment_content.cpp, conversations_resource.cpp, events_resource.cpp, stats_resource.cpp,
// rejected_resource.cpp) and the operations endpoints (operations.cpp).
// query_api.cpp routes to them after the token, method and parameter-name
// checks. Each answers bad input with a 4xx reply, never an exception;
// SQLite failures propagate (the session answers 500). See docs/api.md.

#include "rcvault/http/handler.hpp"
#include "rcvault/http/query_api.hpp"
#include "rcvault/store/reader.hpp"

#include "query_params.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>
#include <string>
#include <string_view>

namespace rcvault::http::detail {

// The parameters GET /v1/messages accepts.
inline constexpr std::array<std::string_view, 15> messages_params{
    "phoneNumber", "direction", "messageType", "readStatus", "messageStatus",
    "availability", "conversationId", "ownerId", "dateFrom", "dateTo",
    "q", "perPage", "pageToken", "order", "format"};
// The parameters of the other listings.
inline constexpr std::array<std::string_view, 2> paging_params{"perPage", "pageToken"};

// The body of a messages listing: JSON pages, or a whole-archive export.
enum class export_format { json, ndjson, csv };

struct messages_request {
  store::message_query query;
  export_format format = export_format::json;
};

// A reader job for the messages `q` matches: errc::bad_parameter (a 400)
// when FTS5 cannot parse q's text (store::query_syntax_error).
std::shared_ptr<std::function<core::result<std::vector<store::stored_message>>(store::reader&)>> messages_job(
    store::message_query q);

// GET /v1/messages (parameters already checked against messages_params).
boost::asio::awaitable<reply> get_messages(const request& req, query_context& ctx, const query_params& ps);
// GET /v1/messages/{id}.
boost::asio::awaitable<reply> get_message(const request& req, query_context& ctx, const std::string& id);
// Answers a listing of messages `mr` asks for: a JSON page, or a chunked export.
boost::asio::awaitable<reply> list_messages(const request& req, query_context& ctx, const messages_request& mr);
// The chunked ndjson/csv export of every message `q` matches (q.limit is ignored);
// a 400 when the first chunk's query is refused.
boost::asio::awaitable<reply> export_messages(const request& req, query_context& ctx, const store::message_query& q,
                                              export_format format);

// GET /v1/messages/{id}/attachments/{attachmentId}/content: the archived
// bytes (200, or 206 for one Range), 304 for a matching If-None-Match, 416 for
// a range outside them; 404 not_found / not_archived (naming the state); 500
// content_missing when the row says stored but the file is absent or of
// another size (docs/attachments.md). Reads the file on the calling thread.
boost::asio::awaitable<reply> get_attachment_content(const request& req, query_context& ctx, const std::string& id,
                                                     const std::string& attachment_id);

// GET /v1/conversations.
boost::asio::awaitable<reply> get_conversations(const request& req, query_context& ctx, const query_params& ps);
// GET /v1/conversations/{conversationId}/messages.
boost::asio::awaitable<reply> get_conversation_messages(const request& req, query_context& ctx,
                                                        const std::string& conversation_id, const query_params& ps);

// GET /v1/messages/{id}/events.
boost::asio::awaitable<reply> get_message_events(const request& req, query_context& ctx, const std::string& id);
// GET /v1/events/{uuid}.
boost::asio::awaitable<reply> get_event(const request& req, query_context& ctx, const std::string& uuid);

// GET /v1/stats.
boost::asio::awaitable<reply> get_stats(const request& req, query_context& ctx);

// GET /v1/rejected.
boost::asio::awaitable<reply> get_rejected(const request& req, query_context& ctx, const query_params& ps);

// GET /v1/sync: ctx.sync_status's body, 404 not_configured without it.
boost::asio::awaitable<reply> get_sync(const request& req, query_context& ctx);

// GET /v1/subscription: ctx.subscription_status's body, 404 not_managed without it.
boost::asio::awaitable<reply> get_subscription(const request& req, query_context& ctx);

// GET /healthz: the process answers.
boost::asio::awaitable<reply> get_healthz(const request& req);
// GET /readyz: 503 when writes cannot be acknowledged or the schema is not current.
boost::asio::awaitable<reply> get_readyz(const request& req, query_context& ctx);
// GET /metrics: the Prometheus text of ctx.stats with the writer and database gauges.
boost::asio::awaitable<reply> get_metrics(const request& req, query_context& ctx);

// The size of the database file plus its WAL (0 for what cannot be read).
std::uint64_t database_bytes(const std::filesystem::path& db);

}  // namespace rcvault::http::detail
