#include "rcvault/http/query_api.hpp"

#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/http/error_response.hpp"
#include "rcvault/http/message_json.hpp"

#include "query_params.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <exception>
#include <memory>
#include <system_error>

namespace rcvault::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

// ---- the route table -------------------------------------------------------

constexpr std::array<std::string_view, 15> messages_params{
    "phoneNumber", "direction", "messageType", "readStatus", "messageStatus",
    "availability", "conversationId", "ownerId", "dateFrom", "dateTo",
    "q", "perPage", "pageToken", "order", "format"};
constexpr std::array<std::string_view, 2> paging_params{"perPage", "pageToken"};

enum class route_id {
  messages, message, message_events, conversations, conversation_messages,
  event, stats, rejected, healthz, readyz, metrics,
};

struct route_entry {
  route_id id;
  query_route route;
};

const std::array<route_entry, 11> routes{{
    {route_id::messages, {"/v1/messages", messages_params}},
    {route_id::message, {"/v1/messages/{id}", {}}},
    {route_id::message_events, {"/v1/messages/{id}/events", {}}},
    {route_id::conversations, {"/v1/conversations", paging_params}},
    {route_id::conversation_messages, {"/v1/conversations/{conversationId}/messages", paging_params}},
    {route_id::event, {"/v1/events/{uuid}", {}}},
    {route_id::stats, {"/v1/stats", {}}},
    {route_id::rejected, {"/v1/rejected", paging_params}},
    {route_id::healthz, {"/healthz", {}}},
    {route_id::readyz, {"/readyz", {}}},
    {route_id::metrics, {"/metrics", {}}},
}};

const std::array<query_route, 11> public_routes = [] {
  std::array<query_route, 11> out{};
  for (std::size_t i = 0; i < routes.size(); ++i) out[i] = routes[i].route;
  return out;
}();

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return out;
}

struct matched_route {
  const route_entry* entry = nullptr;
  std::vector<std::string> args;  // the {name} segments, percent-decoded
};

matched_route match_route(std::string_view path) {
  const auto segments = split_path(path);
  for (const auto& e : routes) {
    const auto pattern = split_path(e.route.pattern);
    if (pattern.size() != segments.size()) continue;
    matched_route m{&e, {}};
    bool ok = true;
    for (std::size_t i = 0; ok && i < pattern.size(); ++i) {
      if (pattern[i].front() == '{') {
        auto arg = detail::percent_decode(segments[i], false);
        ok = arg.has_value() && !arg->empty();
        if (ok) m.args.push_back(std::move(*arg));
      } else {
        ok = pattern[i] == segments[i];
      }
    }
    if (ok) return m;
  }
  return {};
}

// ---- replies ---------------------------------------------------------------

response make_response(const request& req, bhttp::status status, std::string body, std::string_view content_type) {
  response res{status, req.version()};
  res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response json_reply(const request& req, const boost::json::value& v, bhttp::status status = bhttp::status::ok) {
  return make_response(req, status, boost::json::serialize(v), "application/json; charset=utf-8");
}

response error_reply(const request& req, const core::error& err) {
  auto res = error_response(err);
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  if (err.code == core::errc::unauthorized) res.set(bhttp::field::www_authenticate, "Bearer");
  if (err.code == core::errc::method_not_allowed) res.set(bhttp::field::allow, "GET");
  res.prepare_payload();
  return res;
}

core::error bad(std::string_view param, std::string_view why) {
  return core::make_error(core::errc::bad_parameter, "parameter '" + std::string(param) + "': " + std::string(why));
}

// ---- running SQL on the reader pool ----------------------------------------

// GCC 12+ reports a false -Wmismatched-new-delete for Asio's awaitable frames
// (their operator new and delete are a matching pair, chosen by Asio).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// The machinery lives in plain classes, not in lambdas inside coroutines:
// GCC 12 miscompiles captures of lambdas defined in coroutine bodies (a
// copied capture ends up sharing the frame's storage), so a job is a
// std::function built by an ordinary function and carried by shared_ptr.
template <class T>
using reader_fn = std::function<T(store::reader&)>;

template <class T, class Handler>
struct reader_completion {
  std::shared_ptr<Handler> handler;
  std::exception_ptr failure;
  std::shared_ptr<std::optional<T>> value;
  void operator()() { (*handler)(failure, std::move(*value)); }
};

template <class T, class Handler>
struct reader_job {
  std::shared_ptr<Handler> handler;
  asio::any_io_executor ex;
  std::shared_ptr<reader_fn<T>> fn;
  void operator()(store::reader& r) const {
    auto value = std::make_shared<std::optional<T>>();
    std::exception_ptr failure;
    try {
      value->emplace((*fn)(r));
    } catch (...) {
      failure = std::current_exception();
    }
    asio::post(ex, reader_completion<T, Handler>{handler, failure, value});
  }
};

// Only raw pointers, into the frame of on_reader (alive until completion):
// GCC 12 copies a coroutine's by-value parameter bitwise and destroys both
// copies, which Asio's use_awaitable initiate() takes the initiation as, so
// the initiation must be trivially copyable and destructible.
template <class T>
struct reader_initiation {
  store::reader_pool* pool;
  const asio::any_io_executor* ex;
  const std::shared_ptr<reader_fn<T>>* fn;
  template <class Handler>
  void operator()(Handler handler) const {
    pool->post(reader_job<T, Handler>{std::make_shared<Handler>(std::move(handler)), *ex, *fn});
  }
};

template <class T>
asio::awaitable<T> on_reader(store::reader_pool& pool, const std::shared_ptr<reader_fn<T>>& fn) {
  const asio::any_io_executor ex = co_await asio::this_coro::executor;
  const std::shared_ptr<reader_fn<T>> job_fn = fn;
  auto out = co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, std::optional<T>)>(
      reader_initiation<T>{&pool, &ex, &job_fn}, asio::use_awaitable);
  co_return std::move(*out);
}

template <class T, class F>
std::shared_ptr<reader_fn<T>> job(F f) {
  return std::make_shared<reader_fn<T>>(std::move(f));
}

using messages_result = core::result<std::vector<store::stored_message>>;

std::shared_ptr<reader_fn<messages_result>> messages_job(store::message_query q) {
  return job<messages_result>([q = std::move(q)](store::reader& r) { return r.messages(q); });
}
std::shared_ptr<reader_fn<std::optional<store::stored_message>>> message_job(std::string id) {
  return job<std::optional<store::stored_message>>([id = std::move(id)](store::reader& r) { return r.message(id); });
}
std::shared_ptr<reader_fn<std::optional<std::vector<store::stored_event>>>> message_events_job(std::string id) {
  return job<std::optional<std::vector<store::stored_event>>>(
      [id = std::move(id)](store::reader& r) { return r.message_events(id); });
}
std::shared_ptr<reader_fn<std::optional<store::stored_event>>> event_job(std::string uuid) {
  return job<std::optional<store::stored_event>>([uuid = std::move(uuid)](store::reader& r) { return r.event(uuid); });
}
std::shared_ptr<reader_fn<std::vector<store::conversation_summary>>> conversations_job(
    std::optional<std::int64_t> before, std::size_t limit) {
  return job<std::vector<store::conversation_summary>>(
      [before, limit](store::reader& r) { return r.conversations(before, limit); });
}
std::shared_ptr<reader_fn<std::vector<store::rejected_row>>> rejected_job(std::optional<std::int64_t> before,
                                                                         std::size_t limit) {
  return job<std::vector<store::rejected_row>>([before, limit](store::reader& r) { return r.rejected(before, limit); });
}
std::shared_ptr<reader_fn<store::store_stats>> stats_job() {
  return job<store::store_stats>([](store::reader& r) { return r.stats(); });
}
std::shared_ptr<reader_fn<bool>> ready_job() {
  return job<bool>([](store::reader& r) { return r.ready(); });
}

// ---- parameters ------------------------------------------------------------

std::optional<std::string_view> param(const detail::query_params& ps, std::string_view name) {
  for (const auto& [k, v] : ps)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Accepts RingCentral's enum values in any letter case and returns the canonical spelling.
core::result<std::optional<std::string>> enum_param(const detail::query_params& ps, std::string_view name,
                                                    std::initializer_list<std::string_view> allowed) {
  auto v = param(ps, name);
  if (!v) return std::optional<std::string>{};
  for (auto a : allowed)
    if (iequals(*v, a)) return std::optional<std::string>{std::string(a)};
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return bad(name, "expected one of " + list);
}

core::result<std::size_t> per_page(const detail::query_params& ps) {
  auto v = param(ps, "perPage");
  if (!v) return std::size_t{100};
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || p != v->data() + v->size() || n < 1 || n > 1000)
    return bad("perPage", "expected an integer from 1 to 1000");
  return n;
}

core::error unknown_param(std::string_view name) {
  return core::make_error(core::errc::bad_parameter, "unknown parameter '" + std::string(name) + "'");
}

std::optional<core::error> check_known(const detail::query_params& ps, std::span<const std::string_view> known) {
  for (const auto& [k, v] : ps) {
    bool found = false;
    for (auto n : known) found = found || n == k;
    if (!found) return unknown_param(k);
  }
  return std::nullopt;
}

enum class export_format { json, ndjson, csv };

struct messages_request {
  store::message_query query;
  export_format format = export_format::json;
};

core::result<messages_request> parse_messages_request(const request& req, const detail::query_params& ps) {
  if (auto e = check_known(ps, messages_params)) return *e;
  messages_request out;
  auto& q = out.query;
  if (auto v = param(ps, "phoneNumber")) {
    q.phone_keys = core::phone_query_keys(*v);
    if (q.phone_keys.empty()) return bad("phoneNumber", "no digits in the number");
  }
  auto set_enum = [&](std::optional<std::string>& field, std::string_view name,
                      std::initializer_list<std::string_view> allowed) -> std::optional<core::error> {
    auto r = enum_param(ps, name, allowed);
    if (!r) return r.error();
    field = std::move(*r);
    return std::nullopt;
  };
  if (auto e = set_enum(q.direction, "direction", {"Inbound", "Outbound"})) return *e;
  if (auto e = set_enum(q.type, "messageType", {"Fax", "SMS", "VoiceMail", "Pager", "Text"})) return *e;
  if (auto e = set_enum(q.read_status, "readStatus", {"Read", "Unread"})) return *e;
  if (auto e = set_enum(q.message_status, "messageStatus",
                        {"Queued", "Sent", "Delivered", "DeliveryFailed", "SendingFailed", "Received"}))
    return *e;
  if (auto e = set_enum(q.availability, "availability", {"Alive", "Deleted", "Purged"})) return *e;
  if (auto v = param(ps, "conversationId")) {
    if (v->empty()) return bad("conversationId", "empty");
    q.conversation_id = std::string(*v);
  }
  if (auto v = param(ps, "ownerId")) {
    if (v->empty()) return bad("ownerId", "empty");
    q.owner_id = std::string(*v);
  }
  for (const auto* name : {"dateFrom", "dateTo"}) {
    auto v = param(ps, name);
    if (!v) continue;
    auto t = core::parse_iso8601(*v, true);
    if (!t) return bad(name, "expected an ISO 8601 date or date-time, e.g. 2025-07-31 or 2025-07-31T20:13:18Z");
    // A date alone means the whole day: dateTo=2025-07-31 includes that day.
    const bool date_only = v->size() == 10;
    if (std::string_view(name) == "dateFrom") q.date_from = *t;
    else q.date_to = date_only ? *t + 86'400'000 : *t;
  }
  if (auto v = param(ps, "q")) q.text = std::string(*v);
  if (auto v = param(ps, "order")) {
    if (iequals(*v, "desc")) q.order = store::sort_order::desc;
    else if (iequals(*v, "asc")) q.order = store::sort_order::asc;
    else return bad("order", "expected desc or asc");
  }
  auto n = per_page(ps);
  if (!n) return n.error();
  q.limit = *n;
  if (auto v = param(ps, "pageToken")) {
    auto key = detail::decode_page_token(*v, q.order == store::sort_order::desc ? 'd' : 'a');
    if (!key) return bad("pageToken", "not a token from this listing (or given with another order)");
    q.after_key = *key;
  }
  if (auto v = param(ps, "format")) {
    if (iequals(*v, "json")) out.format = export_format::json;
    else if (iequals(*v, "ndjson")) out.format = export_format::ndjson;
    else if (iequals(*v, "csv")) out.format = export_format::csv;
    else return bad("format", "expected json, ndjson or csv");
  } else {
    const auto accept = req[bhttp::field::accept];
    if (accept.find("application/x-ndjson") != std::string_view::npos) out.format = export_format::ndjson;
    else if (accept.find("text/csv") != std::string_view::npos) out.format = export_format::csv;
  }
  if (out.format != export_format::json && param(ps, "pageToken"))
    return bad("pageToken", "exports stream every match and take no page token");
  return out;
}

boost::json::object paging(std::size_t per_page, std::optional<std::string> next) {
  boost::json::object p{{"perPage", per_page}};
  if (next) p["nextPageToken"] = *next;
  return p;
}

// ---- handlers --------------------------------------------------------------

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

asio::awaitable<reply> list_messages(const request& req, query_context& ctx, const messages_request& request_mr) {
  messages_request mr = request_mr;
  auto& q = mr.query;
  const std::size_t per_page = q.limit;
  if (mr.format != export_format::json) {
    auto st = std::make_shared<export_state>();
    st->pool = &ctx.readers;
    st->query = q;
    st->query.limit = export_chunk_records;
    st->format = mr.format;
    if (mr.format == export_format::csv) st->pending = std::string(message_csv_header());
    // The first chunk is fetched before answering, so a bad q is still a 400.
    if (auto err = co_await fetch_chunk(st)) co_return error_reply(req, *err);
    stream_response sr;
    sr.head = response{bhttp::status::ok, req.version()};
    sr.head.set(bhttp::field::content_type,
                mr.format == export_format::csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
    sr.head.keep_alive(req.keep_alive());
    sr.head.chunked(true);
    sr.next = chunk_source(st);
    co_return sr;
  }

  q.limit = per_page + 1;
  const auto reader_job_fn = messages_job(q);
  auto rows = co_await on_reader(ctx.readers, reader_job_fn);
  if (!rows) co_return error_reply(req, rows.error());
  std::optional<std::string> next;
  if (rows->size() > per_page) {
    rows->resize(per_page);
    next = detail::encode_page_token(q.order == store::sort_order::desc ? 'd' : 'a', rows->back().sort_key);
  }
  boost::json::array records;
  for (const auto& r : *rows) records.push_back(message_to_json(r.msg));
  co_return json_reply(req, boost::json::object{{"records", std::move(records)}, {"paging", paging(per_page, next)}});
}

std::string event_json(const store::stored_event& e) {
  boost::json::object o{{"uuid", e.uuid},
                        {"kind", core::to_string(e.kind)},
                        {"event", valid_utf8(e.event)},
                        {"receivedAt", core::format_iso8601(e.received_at)},
                        {"outcome", core::to_string(e.outcome)}};
  if (e.reason) o["reason"] = valid_utf8(*e.reason);
  if (e.message_id) o["messageId"] = *e.message_id;
  std::string out = boost::json::serialize(o);
  out.pop_back();
  // The envelope is spliced in byte for byte, exactly as stored; ingest only
  // stores valid JSON, but anything else is returned as a string, never as broken JSON.
  boost::system::error_code ec;
  boost::json::parse(e.raw, ec);
  out += ",\"envelope\":";
  out += ec ? boost::json::serialize(boost::json::value(valid_utf8(e.raw))) : e.raw;
  out += '}';
  return out;
}

std::uint64_t database_bytes(const std::filesystem::path& db) {
  std::uint64_t total = 0;
  for (const auto& p : {db, std::filesystem::path(db.string() + "-wal")}) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(p, ec);
    if (!ec) total += n;
  }
  return total;
}

boost::json::value stats_json(const store::store_stats& st, std::uint64_t db_bytes) {
  auto counter = [&](const std::string& name) -> std::int64_t {
    auto it = st.counters.find(name);
    return it == st.counters.end() ? 0 : it->second;
  };
  auto by_prefix = [&](std::string_view prefix) {
    boost::json::object o;
    for (const auto& [k, v] : st.counters)
      if (k.starts_with(prefix) && v != 0) o[k.substr(prefix.size())] = v;
    return o;
  };
  boost::json::object out{
      {"events",
       {{"total", counter("events.total")},
        {"applied", counter("events.applied")},
        {"stale", counter("events.stale")},
        {"unnormalised", counter("events.unnormalised")},
        {"duplicate", counter("events.duplicate")}}},
      {"messages",
       {{"total", counter("messages.total")},
        {"byType", by_prefix("messages.type.")},
        {"byDirection", by_prefix("messages.direction.")}}},
      {"rejected", st.counters.contains("rejected.total") ? counter("rejected.total") : st.rejected},
      {"databaseBytes", db_bytes}};
  if (st.oldest_message) out["oldestMessage"] = core::format_iso8601(*st.oldest_message);
  if (st.newest_message) out["newestMessage"] = core::format_iso8601(*st.newest_message);
  return out;
}

// Constant time in the length of the expected token: every byte is compared.
bool token_matches(std::string_view given, std::string_view expected) {
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char g = i < given.size() ? given[i] : '\0';
    diff |= static_cast<unsigned>(static_cast<unsigned char>(g ^ expected[i]));
  }
  return diff == 0;
}

bool authorised(const request& req, const query_context& ctx) {
  if (!ctx.token) return true;
  const auto header = req[bhttp::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() < scheme.size() || !iequals(header.substr(0, scheme.size()), scheme)) return false;
  return token_matches(header.substr(scheme.size()), *ctx.token);
}

core::error not_found(std::string what) { return core::make_error(core::errc::not_found, std::move(what)); }

asio::awaitable<reply> dispatch(const request& req, query_context& ctx, const matched_route& m,
                                const detail::query_params& ps) {
  switch (m.entry->id) {
    case route_id::messages: {
      auto mr = parse_messages_request(req, ps);
      if (!mr) co_return error_reply(req, mr.error());
      co_return co_await list_messages(req, ctx, *mr);
    }
    case route_id::conversation_messages: {
      messages_request mr;
      mr.query.conversation_id = m.args[0];
      mr.query.order = store::sort_order::asc;
      auto n = per_page(ps);
      if (!n) co_return error_reply(req, n.error());
      mr.query.limit = *n;
      if (auto v = param(ps, "pageToken")) {
        auto key = detail::decode_page_token(*v, 'a');
        if (!key) co_return error_reply(req, bad("pageToken", "not a token from this listing"));
        mr.query.after_key = *key;
      }
      co_return co_await list_messages(req, ctx, mr);
    }
    case route_id::message: {
      const auto reader_job_fn = message_job(m.args[0]);
      auto found = co_await on_reader(ctx.readers, reader_job_fn);
      if (!found) co_return error_reply(req, not_found("no message with id '" + m.args[0] + "'"));
      co_return json_reply(req, message_to_json(found->msg));
    }
    case route_id::message_events: {
      const auto reader_job_fn = message_events_job(m.args[0]);
      auto events = co_await on_reader(ctx.readers, reader_job_fn);
      if (!events) co_return error_reply(req, not_found("no message with id '" + m.args[0] + "'"));
      std::string body = "{\"records\":[";
      for (std::size_t i = 0; i < events->size(); ++i) {
        if (i) body += ',';
        body += event_json((*events)[i]);
      }
      body += "]}";
      co_return make_response(req, bhttp::status::ok, std::move(body), "application/json; charset=utf-8");
    }
    case route_id::event: {
      const auto reader_job_fn = event_job(m.args[0]);
      auto e = co_await on_reader(ctx.readers, reader_job_fn);
      if (!e) co_return error_reply(req, not_found("no event with uuid '" + m.args[0] + "'"));
      co_return make_response(req, bhttp::status::ok, event_json(*e), "application/json; charset=utf-8");
    }
    case route_id::conversations: {
      auto n = per_page(ps);
      if (!n) co_return error_reply(req, n.error());
      std::optional<std::int64_t> before;
      if (auto v = param(ps, "pageToken")) {
        before = detail::decode_page_token(*v, 'c');
        if (!before) co_return error_reply(req, bad("pageToken", "not a token from this listing"));
      }
      const std::size_t limit = *n;
      const auto reader_job_fn = conversations_job(before, limit + 1);
      auto convs = co_await on_reader(ctx.readers, reader_job_fn);
      std::optional<std::string> next;
      if (convs.size() > limit) {
        convs.resize(limit);
        next = detail::encode_page_token('c', convs.back().last_message.sort_key);
      }
      boost::json::array records;
      for (const auto& c : convs) {
        boost::json::array participants;
        for (const auto& p : c.participants) participants.push_back(boost::json::string(p));
        records.push_back(boost::json::object{{"conversationId", c.conversation_id},
                                              {"messageCount", c.message_count},
                                              {"participants", std::move(participants)},
                                              {"lastMessage", message_to_json(c.last_message.msg)}});
      }
      co_return json_reply(req, boost::json::object{{"records", std::move(records)}, {"paging", paging(limit, next)}});
    }
    case route_id::rejected: {
      auto n = per_page(ps);
      if (!n) co_return error_reply(req, n.error());
      std::optional<std::int64_t> before;
      if (auto v = param(ps, "pageToken")) {
        before = detail::decode_page_token(*v, 'r');
        if (!before) co_return error_reply(req, bad("pageToken", "not a token from this listing"));
      }
      const std::size_t limit = *n;
      const auto reader_job_fn = rejected_job(before, limit + 1);
      auto rows = co_await on_reader(ctx.readers, reader_job_fn);
      std::optional<std::string> next;
      if (rows.size() > limit) {
        rows.resize(limit);
        next = detail::encode_page_token('r', rows.back().row_id);
      }
      boost::json::array records;
      for (const auto& r : rows)
        records.push_back(boost::json::object{{"receivedAt", core::format_iso8601(r.received_at)},
                                              {"code", r.code},
                                              {"message", valid_utf8(r.message)},
                                              {"size", r.size},
                                              {"head", valid_utf8(r.head)}});
      co_return json_reply(req, boost::json::object{{"records", std::move(records)}, {"paging", paging(limit, next)}});
    }
    case route_id::stats: {
      const auto reader_job_fn = stats_job();
      auto st = co_await on_reader(ctx.readers, reader_job_fn);
      co_return json_reply(req, stats_json(st, database_bytes(ctx.database_path)));
    }
    case route_id::healthz:
      co_return json_reply(req, boost::json::object{{"status", "ok"}});
    case route_id::readyz: {
      // Not ready when writes can no longer be acknowledged.
      if (ctx.writer_stats) {
        if (const auto w = ctx.writer_stats(); w && w->wal_sync_failed)
          co_return error_reply(req, core::make_error(core::errc::unavailable,
                                                      "an fdatasync of the WAL failed: nothing is acknowledged "
                                                      "until rcvault is restarted (see the log)"));
      }
      const auto reader_job_fn = ready_job();
      const bool ok = co_await on_reader(ctx.readers, reader_job_fn);
      if (!ok)
        co_return error_reply(req, core::make_error(core::errc::unavailable,
                                                    "database not writable or schema not current"));
      co_return json_reply(req, boost::json::object{{"status", "ready"}});
    }
    case route_id::metrics: {
      metrics_gauges g;
      if (ctx.writer_stats) g.writer = ctx.writer_stats();
      g.database_bytes = database_bytes(ctx.database_path);
      co_return make_response(req, bhttp::status::ok, ctx.stats.render(g), "text/plain; version=0.0.4; charset=utf-8");
    }
  }
  co_return error_reply(req, core::make_error(core::errc::internal, "unhandled route"));
}

}  // namespace

std::span<const query_route> query_routes() noexcept { return public_routes; }

std::string_view query_route_name(std::string_view target) noexcept {
  try {
    const auto m = match_route(target.substr(0, target.find('?')));
    return m.entry ? m.entry->route.pattern : std::string_view("unknown");
  } catch (...) {
    return "unknown";
  }
}

asio::awaitable<reply> handle_query(const request& req, query_context& ctx) {
  const std::string_view target = req.target();
  const auto qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const auto m = match_route(path);

  // /healthz stays open so a supervisor can probe without the token.
  const bool open = m.entry && m.entry->id == route_id::healthz;
  if (!open && !authorised(req, ctx))
    co_return error_reply(req, core::make_error(core::errc::unauthorized, "missing or wrong bearer token"));
  if (!m.entry) co_return error_reply(req, not_found("no route " + std::string(path)));
  if (req.method() != bhttp::verb::get)
    co_return error_reply(req, core::make_error(core::errc::method_not_allowed, "only GET is allowed here"));

  auto ps = detail::parse_query_string(qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1));
  if (!ps) co_return error_reply(req, ps.error());
  if (m.entry->id != route_id::messages)
    if (auto e = check_known(*ps, m.entry->route.parameters)) co_return error_reply(req, *e);
  co_return co_await dispatch(req, ctx, m, *ps);
}

}  // namespace rcvault::http
