#include "rcvault/ingest/parse.hpp"

#include "event_path.hpp"
#include "field_reader.hpp"
#include "json_document.hpp"
#include "normalise.hpp"
#include "notification_builder.hpp"
#include "record_uuid.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace rcvault::ingest {
namespace detail {
namespace json = boost::json;
namespace {

core::error bad_record(std::string message) { return core::make_error(core::errc::invalid_record, std::move(message)); }

// "api:<id>:<lastModifiedTime>" (normalised when it parses, as sent otherwise),
// so re-importing an export stores nothing new and "+00:00" equals "Z". A record
// without lastModifiedTime (Message Sync's deleted stubs) is told apart by a
// hash of its content instead.
std::string record_uuid(const std::string& id, const json::object& record) {
  if (const json::value* lmt = record.if_contains("lastModifiedTime"); lmt && lmt->is_string()) {
    if (auto t = core::parse_iso8601(lmt->get_string(), true)) return fmt::format("api:{}:{}", id, core::format_iso8601(*t));
    return fmt::format("api:{}:{}", id, std::string_view(lmt->get_string()));
  }
  return detail::hashed_record_uuid(id, json::serialize(record));
}

}  // namespace

bool looks_like_message_record(const json::object& o) noexcept {
  static constexpr std::array<std::string_view, 15> message_only{
      "attachments",  "availability",   "conversation",     "conversationId",  "direction",
      "faxPageCount", "from",           "lastModifiedTime", "messageStatus",   "readStatus",
      "smsDeliveryTime", "subject",     "to",               "type",            "vmTranscriptionStatus"};
  if (!o.contains("id")) return false;
  for (auto k : message_only)
    if (o.contains(k)) return true;
  return false;
}

core::result<core::notification> notification_from_record(const json::object& record, std::string_view raw) {
  if (looks_like_envelope(record)) return bad_record("a notification envelope, not a message record");
  if (!looks_like_message_record(record))
    return bad_record("not a message record: needs an id and message fields (type, direction, from, to, ...)");
  const json::value& idv = record.at("id");
  auto id = id_text(idv);
  if (!id) return bad_record(idv.is_double() ? "record id is not an integer or exceeds 64 bits"
                                             : "record id is not a string or an integer");
  if (id->empty()) return bad_record("record id is empty");

  std::optional<std::string> fallback;
  if (const json::value* e = record.if_contains("extensionId"); e && !e->is_null()) fallback = id_text(*e);
  if (!fallback) {
    if (const json::value* u = record.if_contains("uri"); u && u->is_string())
      if (auto e = extension_in_path(u->get_string())) fallback.emplace(*e);
  }

  core::notification n;
  n.uuid = record_uuid(*id, record);
  n.kind = core::event_kind::api_record;
  n.raw.assign(raw);
  normalised m = normalise_message(record, "record", std::move(fallback));
  if (m.msg) n.msg = std::move(m.msg);
  else n.unnormalised_reason = std::move(m.reason);
  return n;
}

}  // namespace detail

core::result<core::notification> parse_record(std::string_view raw) {
  detail::json_document doc(raw);
  if (!doc.ok()) return doc.error();
  if (!doc.value().is_object()) return core::make_error(core::errc::invalid_record, "not a JSON object");
  return detail::notification_from_record(doc.value().get_object(), raw);
}

}  // namespace rcvault::ingest
