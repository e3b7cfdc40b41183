// GET /v1/events/{uuid} and /v1/messages/{id}/events: stored notifications
// with their envelope spliced in as received.
#include "rcvault/core/time.hpp"
#include "rcvault/http/message_json.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::http::detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view json_type = "application/json; charset=utf-8";

std::shared_ptr<reader_fn<std::optional<std::vector<store::stored_event>>>> message_events_job(std::string id) {
  return job<std::optional<std::vector<store::stored_event>>>(
      [id = std::move(id)](store::reader& r) { return r.message_events(id); });
}

std::shared_ptr<reader_fn<std::optional<store::stored_event>>> event_job(std::string uuid) {
  return job<std::optional<store::stored_event>>([uuid = std::move(uuid)](store::reader& r) { return r.event(uuid); });
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

}  // namespace

asio::awaitable<reply> get_message_events(const request& req, query_context& ctx, const std::string& id) {
  const auto reader_job_fn = message_events_job(id);
  auto events = co_await on_reader(ctx.readers, reader_job_fn);
  if (!events) co_return error_reply(req, not_found("no message with id '" + id + "'"));
  std::string body = "{\"records\":[";
  for (std::size_t i = 0; i < events->size(); ++i) {
    if (i) body += ',';
    body += event_json((*events)[i]);
  }
  body += "]}";
  co_return make_response(req, bhttp::status::ok, std::move(body), json_type);
}

asio::awaitable<reply> get_event(const request& req, query_context& ctx, const std::string& uuid) {
  const auto reader_job_fn = event_job(uuid);
  auto e = co_await on_reader(ctx.readers, reader_job_fn);
  if (!e) co_return error_reply(req, not_found("no event with uuid '" + uuid + "'"));
  co_return make_response(req, bhttp::status::ok, event_json(*e), json_type);
}

}  // namespace rcvault::http::detail
