#include "normalise.hpp"

#include "field_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace rcvault::ingest::detail {
namespace json = boost::json;
namespace {

// Sorted lookup tables: one pass over a body dispatches each key to its typed
// place, and whatever is not in the table is extra by construction.
template <class F, std::size_t N>
const F* lookup(const std::array<std::pair<std::string_view, F>, N>& table, std::string_view key) {
  auto it = std::lower_bound(table.begin(), table.end(), key,
                             [](const auto& entry, std::string_view k) { return entry.first < k; });
  return it != table.end() && it->first == key ? &it->second : nullptr;
}

enum class mfield {
  id, owner, type, direction, subject, read_status, message_status, priority, availability,
  conversation_id, conversation, creation_time, last_modified_time, sms_delivery_time,
  sms_sending_attempts_count, delivery_error_code, segment_count, fax_page_count, fax_resolution,
  vm_transcription_status, pg_to_department, uri, from, to, attachments,
};

constexpr std::array<std::pair<std::string_view, mfield>, 25> message_fields{{
    {"attachments", mfield::attachments},
    {"availability", mfield::availability},
    {"conversation", mfield::conversation},
    {"conversationId", mfield::conversation_id},
    {"creationTime", mfield::creation_time},
    {"deliveryErrorCode", mfield::delivery_error_code},
    {"direction", mfield::direction},
    {"faxPageCount", mfield::fax_page_count},
    {"faxResolution", mfield::fax_resolution},
    {"from", mfield::from},
    {"id", mfield::id},
    {"lastModifiedTime", mfield::last_modified_time},
    {"messageStatus", mfield::message_status},
    {"owner", mfield::owner},
    {"pgToDepartment", mfield::pg_to_department},
    {"priority", mfield::priority},
    {"readStatus", mfield::read_status},
    {"segmentCount", mfield::segment_count},
    {"smsDeliveryTime", mfield::sms_delivery_time},
    {"smsSendingAttemptsCount", mfield::sms_sending_attempts_count},
    {"subject", mfield::subject},
    {"to", mfield::to},
    {"type", mfield::type},
    {"uri", mfield::uri},
    {"vmTranscriptionStatus", mfield::vm_transcription_status},
}};

enum class pfield { phone_number, extension_number, extension_id, name, location, target, message_status,
                    fax_error_code, recipient_id };

constexpr std::array<std::pair<std::string_view, pfield>, 9> party_fields{{
    {"extensionId", pfield::extension_id},
    {"extensionNumber", pfield::extension_number},
    {"faxErrorCode", pfield::fax_error_code},
    {"location", pfield::location},
    {"messageStatus", pfield::message_status},
    {"name", pfield::name},
    {"phoneNumber", pfield::phone_number},
    {"recipientId", pfield::recipient_id},
    {"target", pfield::target},
}};

enum class afield { id, uri, type, content_type, size, vm_duration, file_name, height, width };

constexpr std::array<std::pair<std::string_view, afield>, 9> attachment_fields{{
    {"contentType", afield::content_type},
    {"fileName", afield::file_name},
    {"height", afield::height},
    {"id", afield::id},
    {"size", afield::size},
    {"type", afield::type},
    {"uri", afield::uri},
    {"vmDuration", afield::vm_duration},
    {"width", afield::width},
}};

constexpr bool sorted_tables() {
  auto is_sorted = [](const auto& t) {
    for (std::size_t i = 1; i < t.size(); ++i)
      if (!(t[i - 1].first < t[i].first)) return false;
    return true;
  };
  return is_sorted(message_fields) && is_sorted(party_fields) && is_sorted(attachment_fields);
}
static_assert(sorted_tables(), "field tables must stay sorted for lower_bound");

void keep_extra(json::object& extra, std::string_view key, const json::value& v) {
  if (v.is_null()) return;
  extra.emplace(key, with_ids_as_text(v, key));
}

core::party read_party(const json::object& o, field_path at, field_reader& r) {
  core::party p;
  for (const auto& kv : o) {
    const auto* f = lookup(party_fields, kv.key());
    if (!f) {
      keep_extra(p.extra, kv.key(), kv.value());
      continue;
    }
    const json::value& v = kv.value();
    std::string_view k = kv.key();
    switch (*f) {
      case pfield::phone_number: p.phone_number = r.text(v, at, k); break;
      case pfield::extension_number: p.extension_number = r.id(v, at, k); break;
      case pfield::extension_id: p.extension_id = r.id(v, at, k); break;
      case pfield::name: p.name = r.text(v, at, k); break;
      case pfield::location: p.location = r.text(v, at, k); break;
      case pfield::target: p.target = r.boolean(v, at, k); break;
      case pfield::message_status: p.message_status = r.text(v, at, k); break;
      case pfield::fax_error_code: p.fax_error_code = r.text(v, at, k); break;
      case pfield::recipient_id: p.recipient_id = r.id(v, at, k); break;
    }
  }
  return p;
}

core::attachment read_attachment(const json::object& o, field_path at, field_reader& r) {
  core::attachment a;
  for (const auto& kv : o) {
    const auto* f = lookup(attachment_fields, kv.key());
    if (!f) {
      keep_extra(a.extra, kv.key(), kv.value());
      continue;
    }
    const json::value& v = kv.value();
    std::string_view k = kv.key();
    switch (*f) {
      // A missing attachment id is kept as "" rather than failing the message:
      // the attachment is still worth listing.
      case afield::id: a.id = r.id(v, at, k).value_or(std::string()); break;
      case afield::uri: a.uri = r.text(v, at, k); break;
      case afield::type: a.type = r.text(v, at, k); break;
      case afield::content_type: a.content_type = r.text(v, at, k); break;
      case afield::size: a.size = r.integer(v, at, k); break;
      case afield::vm_duration: a.vm_duration = r.integer(v, at, k); break;
      case afield::file_name: a.file_name = r.text(v, at, k); break;
      case afield::height: a.height = r.integer(v, at, k); break;
      case afield::width: a.width = r.integer(v, at, k); break;
    }
  }
  return a;
}

// Reads an array of objects; nullopt for null, a failure for other types or
// for elements that are not objects.
template <class T, class Read>
std::optional<std::vector<T>> read_list(const json::value& v, std::string_view prefix, std::string_view key,
                                        std::string& element_path, field_reader& r, Read read) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_array()) {
    r.fail({prefix}, key, "expected an array");
    return std::nullopt;
  }
  element_path.assign(prefix).append(".").append(key);
  std::vector<T> out;
  out.reserve(v.get_array().size());
  int index = 0;
  for (const auto& e : v.get_array()) {
    field_path at{element_path, index};
    if (!e.is_object()) {
      r.fail({prefix}, std::string(key) + "[" + std::to_string(index) + "]", "expected an object");
      return std::nullopt;
    }
    out.push_back(read(e.get_object(), at, r));
    ++index;
  }
  return out;
}

}  // namespace

std::string canonical_type(std::string_view type) {
  static constexpr std::array<std::string_view, 5> known{"SMS", "Fax", "VoiceMail", "Pager", "Text"};
  for (auto k : known) {
    if (k.size() != type.size()) continue;
    bool same = std::equal(k.begin(), k.end(), type.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return std::string(k);
  }
  return std::string(type);
}

normalised normalise_message(const json::object& body, std::string_view prefix,
                             std::optional<std::string> owner_fallback) {
  field_reader r;
  core::message m;
  field_path at{prefix};
  std::optional<std::string> id, conversation_id, conversation_object_id, owner_id;
  std::string list_path;

  for (const auto& kv : body) {
    const auto* f = lookup(message_fields, kv.key());
    if (!f) {
      keep_extra(m.extra, kv.key(), kv.value());
      continue;
    }
    const json::value& v = kv.value();
    std::string_view k = kv.key();
    switch (*f) {
      case mfield::id:
        if (v.is_string() && v.get_string().empty()) r.fail(at, k, "empty id");
        id = r.id(v, at, k);
        break;
      case mfield::owner:
        if (v.is_null()) break;
        if (!v.is_object()) {
          r.fail(at, k, "expected an object");
          break;
        }
        if (const auto* e = v.get_object().if_contains("extensionId")) {
          std::string owner_path = std::string(prefix) + ".owner";
          owner_id = r.id(*e, {owner_path}, "extensionId");
        }
        keep_extra(m.extra, k, v);
        break;
      case mfield::type:
        if (auto t = r.text(v, at, k)) m.type = canonical_type(*t);
        break;
      case mfield::direction: m.direction = r.text(v, at, k); break;
      case mfield::subject: m.subject = r.text(v, at, k); break;
      case mfield::read_status: m.read_status = r.text(v, at, k); break;
      case mfield::message_status: m.message_status = r.text(v, at, k); break;
      case mfield::priority: m.priority = r.text(v, at, k); break;
      case mfield::availability: m.availability = r.text(v, at, k); break;
      case mfield::conversation_id: conversation_id = r.id(v, at, k); break;
      case mfield::conversation:
        if (v.is_null()) break;
        if (!v.is_object()) {
          r.fail(at, k, "expected an object");
          break;
        }
        if (const auto* e = v.get_object().if_contains("id")) {
          std::string conversation_path = std::string(prefix) + ".conversation";
          conversation_object_id = r.id(*e, {conversation_path}, "id");
        }
        keep_extra(m.extra, k, v);
        break;
      case mfield::creation_time: m.creation_time = r.time(v, at, k); break;
      case mfield::last_modified_time: m.last_modified_time = r.time(v, at, k); break;
      case mfield::sms_delivery_time: m.sms_delivery_time = r.time(v, at, k); break;
      case mfield::sms_sending_attempts_count: m.sms_sending_attempts_count = r.integer(v, at, k); break;
      case mfield::delivery_error_code: m.delivery_error_code = r.text(v, at, k); break;
      case mfield::segment_count: m.segment_count = r.integer(v, at, k); break;
      case mfield::fax_page_count: m.fax_page_count = r.integer(v, at, k); break;
      case mfield::fax_resolution: m.fax_resolution = r.text(v, at, k); break;
      case mfield::vm_transcription_status: m.vm_transcription_status = r.text(v, at, k); break;
      case mfield::pg_to_department: m.pg_to_department = r.boolean(v, at, k); break;
      case mfield::uri: m.uri = r.text(v, at, k); break;
      case mfield::from:
        if (v.is_null()) break;
        if (!v.is_object()) {
          r.fail(at, k, "expected an object");
          break;
        }
        list_path.assign(prefix).append(".from");
        m.from = read_party(v.get_object(), {list_path}, r);
        break;
      case mfield::to: m.to = read_list<core::party>(v, prefix, k, list_path, r, read_party); break;
      case mfield::attachments:
        m.attachments = read_list<core::attachment>(v, prefix, k, list_path, r, read_attachment);
        break;
    }
  }
  if (!id && r.ok()) r.fail(at, "id", "missing");
  if (!r.ok()) return {std::nullopt, r.reason()};

  m.id = std::move(*id);
  m.conversation_id = conversation_object_id ? std::move(conversation_object_id) : std::move(conversation_id);
  m.owner_id = owner_id ? std::move(owner_id) : std::move(owner_fallback);
  return {std::move(m), std::string()};
}

std::string normalise_changes(const json::array& changes, std::vector<core::change>& out) {
  field_reader r;
  out.clear();
  out.reserve(changes.size());
  int index = 0;
  for (const auto& e : changes) {
    field_path at{"body.changes", index};
    if (!e.is_object()) {
      r.fail({"body"}, "changes[" + std::to_string(index) + "]", "expected an object");
      break;
    }
    const auto& o = e.get_object();
    core::change c;
    if (const auto* v = o.if_contains("type"))
      if (auto t = r.text(*v, at, "type")) c.type = canonical_type(*t);
    if (const auto* v = o.if_contains("newCount")) c.new_count = r.integer(*v, at, "newCount").value_or(0);
    if (const auto* v = o.if_contains("updatedCount"))
      c.updated_count = r.integer(*v, at, "updatedCount").value_or(0);
    if (const auto* v = o.if_contains("newMessageIds"); v && !v->is_null()) {
      if (!v->is_array()) {
        r.fail(at, "newMessageIds", "expected an array");
      } else {
        for (const auto& idv : v->get_array()) {
          auto id = id_text(idv);
          if (!id) {
            r.fail(at, "newMessageIds", "expected string or integer ids");
            break;
          }
          c.new_message_ids.push_back(std::move(*id));
        }
      }
    }
    if (!r.ok()) break;
    out.push_back(std::move(c));
    ++index;
  }
  if (!r.ok()) out.clear();
  return r.reason();
}

}  // namespace rcvault::ingest::detail
