// GET /v1/messages and /v1/messages/{id}: filters, keyset pages, and the hand-off to the export.
#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/http/message_json.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <boost/beast/http/field.hpp>

namespace rcvault::http::detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

std::shared_ptr<reader_fn<std::optional<store::stored_message>>> message_job(std::string id) {
  return job<std::optional<store::stored_message>>([id = std::move(id)](store::reader& r) { return r.message(id); });
}

core::result<messages_request> parse_messages_request(const request& req, const query_params& ps) {
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
  auto page = read_page(ps, q.order == store::sort_order::desc ? 'd' : 'a',
                        "not a token from this listing (or given with another order)");
  if (!page) return page.error();
  q.limit = page->per_page;
  q.after_key = page->after;
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

}  // namespace

std::shared_ptr<reader_fn<core::result<std::vector<store::stored_message>>>> messages_job(store::message_query q) {
  using messages_result = core::result<std::vector<store::stored_message>>;
  return job<messages_result>([q = std::move(q)](store::reader& r) -> messages_result {
    try {
      return r.messages(q);
    } catch (const store::query_syntax_error& e) {
      return core::make_error(core::errc::bad_parameter, std::string("parameter 'q': ") + e.what());
    }
  });
}

asio::awaitable<reply> get_messages(const request& req, query_context& ctx, const query_params& ps) {
  auto mr = parse_messages_request(req, ps);
  if (!mr) co_return error_reply(req, mr.error());
  co_return co_await list_messages(req, ctx, *mr);
}

asio::awaitable<reply> get_message(const request& req, query_context& ctx, const std::string& id) {
  const auto reader_job_fn = message_job(id);
  auto found = co_await on_reader(ctx.readers, reader_job_fn);
  if (!found) co_return error_reply(req, not_found("no message with id '" + id + "'"));
  co_return json_reply(req, message_to_json(found->msg));
}

asio::awaitable<reply> list_messages(const request& req, query_context& ctx, const messages_request& request_mr) {
  if (request_mr.format != export_format::json)
    co_return co_await export_messages(req, ctx, request_mr.query, request_mr.format);
  store::message_query q = request_mr.query;
  const std::size_t per_page = q.limit;
  q.limit = per_page + 1;
  const auto reader_job_fn = messages_job(q);
  auto rows = co_await on_reader(ctx.readers, reader_job_fn);
  if (!rows) co_return error_reply(req, rows.error());
  co_return page_reply(
      req, *rows, per_page, q.order == store::sort_order::desc ? 'd' : 'a',
      [](const store::stored_message& r) { return r.sort_key; },
      [](const store::stored_message& r) { return message_to_json(r.msg); });
}

}  // namespace rcvault::http::detail
