// The ndjson/csv export: the same keyset cursor as a listing, walked one
// chunk of records at a time so memory stays constant however many match.
#include "rcvault/http/message_json.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

namespace rcvault::http::detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

// An export in progress: the same keyset cursor walked one chunk at a time,
// so memory stays constant however many records match.
struct export_state {
  store::reader_pool* pool = nullptr;
  store::message_query query;
  export_format format = export_format::ndjson;
  std::optional<std::string> pending;  // rendered but not yet handed out
  bool done = false;
};

constexpr std::size_t export_chunk_records = 500;

std::string render_rows(export_format format, const std::vector<store::stored_message>& rows) {
  std::string out;
  for (const auto& r : rows) {
    if (format == export_format::csv) out += message_csv_row(r.msg);
    else out += boost::json::serialize(message_to_json(r.msg)) + "\n";
  }
  return out;
}

// Fetches and renders the next chunk into st->pending; an error for a bad q.
asio::awaitable<std::optional<core::error>> fetch_chunk(const std::shared_ptr<export_state>& st) {
  const auto reader_job_fn = messages_job(st->query);
  auto rows = co_await on_reader(*st->pool, reader_job_fn);
  if (!rows) co_return rows.error();
  if (rows->size() < st->query.limit) st->done = true;
  if (!rows->empty()) st->query.after_key = rows->back().sort_key;
  st->pending = (st->pending ? *st->pending : std::string()) + render_rows(st->format, *rows);
  co_return std::nullopt;
}

// Called only from chunk_source's closure, which owns `st` while the session awaits.
asio::awaitable<std::optional<std::string>> next_chunk(const std::shared_ptr<export_state>& st) {
  for (;;) {
    if (st->pending) {
      auto chunk = std::move(*st->pending);
      st->pending.reset();
      if (!chunk.empty()) co_return chunk;
    }
    if (st->done) co_return std::nullopt;
    // A later chunk cannot fail on parameters the first one accepted.
    if (auto err = co_await fetch_chunk(st)) co_return std::nullopt;
  }
}

std::function<asio::awaitable<std::optional<std::string>>()> chunk_source(std::shared_ptr<export_state> st) {
  return [st] { return next_chunk(st); };
}

}  // namespace

asio::awaitable<reply> export_messages(const request& req, query_context& ctx, const store::message_query& q,
                                       export_format format) {
  auto st = std::make_shared<export_state>();
  st->pool = &ctx.readers;
  st->query = q;
  st->query.limit = export_chunk_records;
  st->format = format;
  if (format == export_format::csv) st->pending = std::string(message_csv_header());
  // The first chunk is fetched before answering, so a bad q is still a 400.
  if (auto err = co_await fetch_chunk(st)) co_return error_reply(req, *err);
  stream_response sr;
  sr.head = response{bhttp::status::ok, req.version()};
  sr.head.set(bhttp::field::content_type, format == export_format::csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
  sr.head.keep_alive(req.keep_alive());
  sr.head.chunked(true);
  sr.next = chunk_source(st);
  co_return sr;
}

}  // namespace rcvault::http::detail
