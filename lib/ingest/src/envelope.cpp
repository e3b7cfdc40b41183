#include "rcvault/ingest/parse.hpp"

#include "event_path.hpp"
#include "field_reader.hpp"
#include "json_document.hpp"
#include "normalise.hpp"
#include "notification_builder.hpp"

#include "rcvault/core/time.hpp"

namespace rcvault::ingest {
namespace detail {
namespace json = boost::json;
namespace {

bool is_message_kind(core::event_kind k) noexcept {
  return k == core::event_kind::instant_message || k == core::event_kind::voicemail || k == core::event_kind::fax;
}

const json::value* present(const json::object& o, std::string_view key) noexcept {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

core::error bad_envelope(std::string message) {
  return core::make_error(core::errc::invalid_envelope, std::move(message));
}

}  // namespace

bool looks_like_envelope(const json::object& o) noexcept {
  return o.contains("uuid") || o.contains("body");
}

core::result<core::notification> notification_from_envelope(const json::object& root, std::string_view raw,
                                                            std::optional<core::event_kind> forced_kind) {
  const json::value* uuid = present(root, "uuid");
  const json::value* body = present(root, "body");
  if (!uuid && !body) return bad_envelope("not a notification envelope: missing uuid and body");
  if (!uuid) return bad_envelope("missing uuid");
  if (!body) return bad_envelope("missing body");
  auto uuid_text = id_text(*uuid);
  if (!uuid_text) return bad_envelope("uuid is not a string or an integer");
  if (uuid_text->empty()) return bad_envelope("uuid is empty");
  if (!body->is_object()) return bad_envelope("body is not an object");
  const json::object& b = body->get_object();

  core::notification n;
  n.uuid = std::move(*uuid_text);
  if (const json::value* e = present(root, "event"); e && e->is_string()) n.event = e->get_string();
  const json::value* changes = present(b, "changes");
  const bool has_changes = changes && changes->is_array();
  n.kind = forced_kind.value_or(classify(n.event, has_changes));
  if (const json::value* v = present(root, "subscriptionId")) n.subscription_id = id_text(*v);
  if (const json::value* v = present(root, "ownerId")) n.owner_id = id_text(*v);
  n.raw.assign(raw);

  // The envelope timestamp orders versions when the body has no times, so a
  // bad one makes a message kind unnormalised instead of silently reordering it.
  field_reader envelope_reader;
  if (const json::value* ts = root.if_contains("timestamp")) n.timestamp = envelope_reader.time(*ts, {"envelope"}, "timestamp");

  if (is_message_kind(n.kind)) {
    std::optional<std::string> fallback;
    if (auto e = extension_in_path(n.event)) fallback.emplace(*e);
    else fallback = n.owner_id;
    normalised m = normalise_message(b, "body", std::move(fallback));
    if (!m.msg) n.unnormalised_reason = std::move(m.reason);
    else if (!envelope_reader.ok()) n.unnormalised_reason = envelope_reader.reason();
    else n.msg = std::move(m.msg);
  } else if (n.kind == core::event_kind::message_store_changes) {
    std::string reason = has_changes ? normalise_changes(changes->get_array(), n.changes)
                                     : std::string("body.changes: expected an array");
    if (reason.empty() && !envelope_reader.ok()) reason = envelope_reader.reason();
    if (!reason.empty()) {
      n.changes.clear();
      n.unnormalised_reason = std::move(reason);
    }
  }
  return n;
}

}  // namespace detail

core::result<core::notification> parse_envelope(std::string_view raw) {
  detail::json_document doc(raw);
  if (!doc.ok()) return doc.error();
  if (!doc.value().is_object()) return core::make_error(core::errc::invalid_json, "not a JSON object");
  return detail::notification_from_envelope(doc.value().get_object(), raw, std::nullopt);
}

std::optional<core::message> renormalise(core::event_kind kind, std::string_view raw) {
  if (kind == core::event_kind::api_record) {
    auto n = parse_record(raw);
    return n ? std::move(n->msg) : std::nullopt;
  }
  if (!detail::is_message_kind(kind)) return std::nullopt;
  detail::json_document doc(raw);
  if (!doc.ok() || !doc.value().is_object()) return std::nullopt;
  auto n = detail::notification_from_envelope(doc.value().get_object(), raw, kind);
  return n ? std::move(n->msg) : std::nullopt;
}

}  // namespace rcvault::ingest
