#include "rcvault/ingest/parse.hpp"

#include "field_reader.hpp"
#include "json_document.hpp"
#include "json_text.hpp"
#include "notification_builder.hpp"
#include "record_uuid.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

namespace rcvault::ingest {
namespace {
namespace json = boost::json;

core::error bad_page(std::string message) { return core::make_error(core::errc::invalid_record, std::move(message)); }

// Exact byte spans of the elements of the records array, in order; empty
// when they cannot be found (an escaped key spelling), then the caller
// falls back to re-serialised text.
std::vector<std::string_view> record_spans(std::string_view raw) {
  std::vector<std::string_view> spans;
  std::size_t begin = detail::skip_json_spaces(raw, 0, raw.size());
  std::size_t open = detail::find_json_array_member(raw, begin, raw.size(), "records");
  if (open == detail::text_npos) return spans;
  std::size_t pos = open + 1;
  for (;;) {
    pos = detail::skip_json_spaces(raw, pos, raw.size());
    if (pos >= raw.size() || raw[pos] == ']') return spans;
    std::size_t end = detail::skip_json_value(raw, pos);
    if (end == detail::text_npos) return {};
    spans.push_back(raw.substr(pos, end - pos));
    pos = detail::skip_json_spaces(raw, end, raw.size());
    if (pos < raw.size() && raw[pos] == ',') ++pos;
  }
}

// A record RingCentral changed the shape of: kept whole, never dropped.
core::notification unnormalised(std::string_view id, std::string_view raw, std::string reason) {
  core::notification n;
  n.uuid = detail::hashed_record_uuid(id.empty() ? std::string_view("-") : std::string_view(id), raw);
  n.kind = core::event_kind::api_record;
  n.raw.assign(raw);
  n.unnormalised_reason = std::move(reason);
  return n;
}

bool is_stub(const json::object& o) noexcept {
  const json::value* a = o.if_contains("availability");
  return !o.contains("lastModifiedTime") && a && a->is_string();
}

sync_record parse_one(const json::value& v, std::string_view raw, const sync_info& info, std::string_view mailbox) {
  sync_record r;
  if (!v.is_object()) {
    r.n = unnormalised("", raw, "record is not a JSON object");
    return r;
  }
  const json::object& o = v.get_object();
  if (const json::value* idv = o.if_contains("id"))
    if (auto id = detail::id_text(*idv)) r.id = std::move(*id);
  if (const json::value* c = o.if_contains("creationTime"); c && c->is_string())
    r.creation_time = core::parse_iso8601(c->get_string(), true);

  if (!r.id.empty() && is_stub(o)) {
    // Its version is the page's syncTime, so a later stub or record orders
    // after it and the same stub seen twice is one event.
    core::notification n;
    const std::string availability(o.at("availability").get_string());
    n.uuid = fmt::format("api:{}:{}:{}", r.id, availability, core::format_iso8601(info.sync_time));
    n.kind = core::event_kind::api_record;
    n.stub = true;
    n.timestamp = info.sync_time;
    n.raw.assign(raw);
    core::message m;
    m.id = r.id;
    m.availability = availability;
    m.owner_id.emplace(mailbox);
    n.msg = std::move(m);
    r.n = std::move(n);
    return r;
  }
  auto parsed = detail::notification_from_record(o, raw);
  if (!parsed) {
    r.n = unnormalised(r.id, raw, parsed.error().message);
    return r;
  }
  r.n = std::move(*parsed);
  if (r.n.msg && !r.n.msg->owner_id) r.n.msg->owner_id.emplace(mailbox);
  return r;
}

core::result<sync_info> read_sync_info(const json::object& page) {
  const json::value* si = page.if_contains("syncInfo");
  if (!si || !si->is_object()) return bad_page("Message Sync answer without a syncInfo object");
  const json::object& o = si->get_object();
  sync_info info;
  const json::value* token = o.if_contains("syncToken");
  if (!token || !token->is_string() || token->get_string().empty())
    return bad_page("syncInfo.syncToken: expected a non-empty string");
  info.sync_token = std::string(token->get_string());
  const json::value* time = o.if_contains("syncTime");
  std::optional<core::millis> t;
  if (time && time->is_string()) t = core::parse_iso8601(time->get_string(), true);
  if (!t) return bad_page("syncInfo.syncTime: expected an ISO 8601 time");
  info.sync_time = *t;
  if (const json::value* type = o.if_contains("syncType"); type && type->is_string())
    info.sync_type = std::string(type->get_string());
  if (const json::value* older = o.if_contains("olderRecordsExist")) {
    if (!older->is_bool()) return bad_page("syncInfo.olderRecordsExist: expected true or false");
    info.older_records_exist = older->get_bool();
  }
  return info;
}

}  // namespace

core::result<sync_page> parse_sync_page(std::string_view raw, std::string_view mailbox) {
  detail::json_document doc(raw);
  if (!doc.ok()) return doc.error();
  if (!doc.value().is_object()) return core::make_error(core::errc::invalid_json, "not a JSON object");
  const json::object& page = doc.value().get_object();
  const json::value* records = page.if_contains("records");
  if (!records || !records->is_array()) return bad_page("Message Sync answer without a records array");
  auto info = read_sync_info(page);
  if (!info) return info.error();

  sync_page out;
  out.info = std::move(*info);
  const json::array& items = records->get_array();
  auto spans = record_spans(raw);
  const bool exact = spans.size() == items.size();
  out.records.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (exact) {
      out.records.push_back(parse_one(items[i], spans[i], out.info, mailbox));
    } else {
      const std::string text = json::serialize(items[i]);
      out.records.push_back(parse_one(items[i], text, out.info, mailbox));
    }
  }
  return out;
}

}  // namespace rcvault::ingest
