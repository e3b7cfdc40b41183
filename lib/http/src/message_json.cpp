#include "rcvault/http/message_json.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/value.hpp>

#include <optional>

namespace rcvault::http {

namespace {

void put(boost::json::object& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) o[key] = *v;
}
void put(boost::json::object& o, std::string_view key, const std::optional<std::int64_t>& v) {
  if (v) o[key] = *v;
}
void put(boost::json::object& o, std::string_view key, const std::optional<bool>& v) {
  if (v) o[key] = *v;
}
void put_time(boost::json::object& o, std::string_view key, const std::optional<core::millis>& v) {
  if (v) o[key] = core::format_iso8601(*v);
}

// Unknown fields come back as sent, but never over a typed field.
void merge_extra(boost::json::object& o, const boost::json::object& extra) {
  for (const auto& [k, v] : extra)
    if (!o.contains(k)) o[k] = v;
}

boost::json::object party_to_json(const core::party& p) {
  boost::json::object o;
  put(o, "phoneNumber", p.phone_number);
  put(o, "extensionNumber", p.extension_number);
  put(o, "extensionId", p.extension_id);
  put(o, "name", p.name);
  put(o, "location", p.location);
  put(o, "target", p.target);
  put(o, "messageStatus", p.message_status);
  put(o, "faxErrorCode", p.fax_error_code);
  put(o, "recipientId", p.recipient_id);
  merge_extra(o, p.extra);
  return o;
}

boost::json::object attachment_to_json(const core::attachment& a) {
  boost::json::object o;
  o["id"] = a.id;
  put(o, "uri", a.uri);
  put(o, "type", a.type);
  put(o, "contentType", a.content_type);
  put(o, "size", a.size);
  put(o, "vmDuration", a.vm_duration);
  put(o, "fileName", a.file_name);
  put(o, "height", a.height);
  put(o, "width", a.width);
  merge_extra(o, a.extra);
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

boost::json::object message_to_json(const core::message& m) {
  boost::json::object o;
  o["id"] = m.id;
  put(o, "uri", m.uri);
  put(o, "ownerId", m.owner_id);
  if (m.from) o["from"] = party_to_json(*m.from);
  if (m.to) {
    boost::json::array to;
    for (const auto& p : *m.to) to.push_back(party_to_json(p));
    o["to"] = std::move(to);
  }
  put(o, "type", m.type);
  put_time(o, "creationTime", m.creation_time);
  put(o, "readStatus", m.read_status);
  put(o, "priority", m.priority);
  if (m.attachments) {
    boost::json::array as;
    for (const auto& a : *m.attachments) as.push_back(attachment_to_json(a));
    o["attachments"] = std::move(as);
  }
  put(o, "direction", m.direction);
  put(o, "availability", m.availability);
  put(o, "subject", m.subject);
  put(o, "messageStatus", m.message_status);
  put(o, "conversationId", m.conversation_id);
  put_time(o, "lastModifiedTime", m.last_modified_time);
  put_time(o, "smsDeliveryTime", m.sms_delivery_time);
  put(o, "smsSendingAttemptsCount", m.sms_sending_attempts_count);
  put(o, "deliveryErrorCode", m.delivery_error_code);
  put(o, "segmentCount", m.segment_count);
  put(o, "faxPageCount", m.fax_page_count);
  put(o, "faxResolution", m.fax_resolution);
  put(o, "vmTranscriptionStatus", m.vm_transcription_status);
  put(o, "pgToDepartment", m.pg_to_department);
  merge_extra(o, m.extra);
  return o;
}

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
