#include "rcvault/http/message_json.hpp"

#include "rcvault/core/message_fields.hpp"
#include "rcvault/core/time.hpp"

#include <boost/json/value.hpp>

#include <array>
#include <optional>
#include <vector>

namespace rcvault::http {

namespace {

// Unknown fields come back as sent, but never over a typed field.
void merge_extra(boost::json::object& o, const boost::json::object& extra) {
  for (const auto& [k, v] : extra)
    if (!o.contains(k)) o[k] = v;
}

boost::json::object party_to_json(const core::party& p);
boost::json::object attachment_to_json(const core::attachment& a);

template <class T, class Write>
boost::json::array list_to_json(const std::vector<T>& items, Write write) {
  boost::json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(write(item));
  return out;
}

// Each typed field the record carries, under its RingCentral name, in table
// order; then the extra fields.
template <class Record, std::size_t N>
boost::json::object record_to_json(const Record& rec, const std::array<core::field<Record>, N>& fields) {
  using core::field_kind;
  boost::json::object o;
  o.reserve(N + rec.extra.size());
  for (const auto& f : fields) {
    switch (f.kind) {
      case field_kind::key: o[f.json] = rec.*f.key; break;
      case field_kind::text:
      case field_kind::id:
      case field_kind::message_type:
        if (const auto& v = rec.*f.text) o[f.json] = *v;
        break;
      case field_kind::integer:
        if (const auto& v = rec.*f.integer) o[f.json] = *v;
        break;
      case field_kind::time:
        if (const auto& v = rec.*f.integer) o[f.json] = core::format_iso8601(*v);
        break;
      case field_kind::boolean:
        if (const auto& v = rec.*f.boolean) o[f.json] = *v;
        break;
      case field_kind::party:
        if (const auto& v = rec.*f.one_party) o[f.json] = party_to_json(*v);
        break;
      case field_kind::parties:
        if (const auto& v = rec.*f.parties) o[f.json] = list_to_json(*v, party_to_json);
        break;
      case field_kind::attachments:
        if (const auto& v = rec.*f.attachments) o[f.json] = list_to_json(*v, attachment_to_json);
        break;
    }
  }
  merge_extra(o, rec.extra);
  return o;
}

boost::json::object party_to_json(const core::party& p) { return record_to_json(p, core::party_fields); }

// The archive of the content (docs/attachments.md) over anything RingCentral
// sent under that name: it is rcvault's own field.
boost::json::object attachment_to_json(const core::attachment& a) {
  auto o = record_to_json(a, core::attachment_fields);
  if (a.archive) {
    boost::json::object archive;
    archive["status"] = a.archive->status;
    if (a.archive->sha256) archive["sha256"] = *a.archive->sha256;
    if (a.archive->size) archive["size"] = *a.archive->size;
    o["archive"] = std::move(archive);
  }
  return o;
}

std::string party_label(const core::party& p) {
  if (p.phone_number) return *p.phone_number;
  if (p.extension_number) return *p.extension_number;
  if (p.name) return *p.name;
  return {};
}

void csv_field(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

boost::json::object message_to_json(const core::message& m) { return record_to_json(m, core::message_fields); }

std::string_view message_csv_header() noexcept {
  return "id,ownerId,creationTime,lastModifiedTime,type,direction,from,to,subject,messageStatus,readStatus,"
         "availability,conversationId,attachments\r\n";
}

std::string message_csv_row(const core::message& m) {
  std::string out;
  auto field = [&](std::string_view v, bool last = false) {
    csv_field(out, v);
    out += last ? "\r\n" : ",";
  };
  auto opt = [](const std::optional<std::string>& v) -> std::string_view { return v ? std::string_view(*v) : ""; };
  auto time = [](const std::optional<core::millis>& t) { return t ? core::format_iso8601(*t) : std::string(); };
  field(m.id);
  field(opt(m.owner_id));
  field(time(m.creation_time));
  field(time(m.last_modified_time));
  field(opt(m.type));
  field(opt(m.direction));
  field(m.from ? party_label(*m.from) : std::string());
  std::string to;
  if (m.to)
    for (const auto& p : *m.to) {
      if (!to.empty()) to += ';';
      to += party_label(p);
    }
  field(to);
  field(opt(m.subject));
  field(opt(m.message_status));
  field(opt(m.read_status));
  field(opt(m.availability));
  field(opt(m.conversation_id));
  field(std::to_string(m.attachments ? m.attachments->size() : 0), true);
  return out;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    const unsigned char c = b[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (b[i + k] & 0xC0) == 0x80;
    if (ok && len == 2) ok = c >= 0xC2;
    if (ok && len == 3) {
      const unsigned cp = ((c & 0x0Fu) << 12) | ((b[i + 1] & 0x3Fu) << 6) | (b[i + 2] & 0x3Fu);
      ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
    }
    if (ok && len == 4) {
      const unsigned cp = ((c & 0x07u) << 18) | ((b[i + 1] & 0x3Fu) << 12) | ((b[i + 2] & 0x3Fu) << 6) | (b[i + 3] & 0x3Fu);
      ok = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace rcvault::http
