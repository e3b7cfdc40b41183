#pragma once
// The one list of a message's typed fields (docs/design.md, "Modules"): for
// each field of a message, a party and an attachment its name in RingCentral's
// JSON (which the API answers with too), its column in the store and its kind. Normalisation, merging, the row writer, the readers and
// the JSON writer all walk these tables, so a new field is one line here (and
// a member in message.hpp) plus a migration adding its column.

#include "rcvault/core/message.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::core {

// How a field is read, stored and written. Each kind names the member type it
// points at (the matching pointer of `field` is the one set).
enum class field_kind {
  key,           // std::string: the record's id, always there (JSON string or integer)
  text,          // optional<string>
  id,            // optional<string>, sent as a string or an integer (kept digit for digit)
  message_type,  // optional<string>, canonicalised (SMS, Fax, VoiceMail, Pager, Text)
  integer,       // optional<int64>
  time,          // optional<millis>: ISO 8601 in JSON, milliseconds in the store
  boolean,       // optional<bool>: 0 or 1 in the store
  party,         // optional<party>: the parties row at position 0; its column says whether carried
  parties,       // optional<vector<party>>: parties rows 1..n; its column says whether carried
  attachments,   // optional<vector<attachment>>: attachments rows; its column says whether carried
};

// Where normalisation finds a field: under its JSON name in the body, or
// derived from other fields (the owner id comes from owner.extensionId or
// the subscription; a body's own "ownerId" stays in extra).
enum class field_source { body, derived };

// One typed field of `Record` (message, party or attachment).
template <class Record>
struct field {
  std::string_view json;    // RingCentral's name, and the API's
  std::string_view column;  // the column in the record's table
  field_kind kind = field_kind::text;
  field_source source = field_source::body;
  std::string Record::*key = nullptr;
  std::optional<std::string> Record::*text = nullptr;  // text, id, message_type
  std::optional<std::int64_t> Record::*integer = nullptr;  // integer, time
  std::optional<bool> Record::*boolean = nullptr;
  std::optional<party> Record::*one_party = nullptr;
  std::optional<std::vector<party>> Record::*parties = nullptr;
  std::optional<std::vector<attachment>> Record::*attachments = nullptr;
};

namespace field_detail {
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column, std::string R::*p) {
  field<R> f{json, column, field_kind::key};
  f.key = p;
  return f;
}
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column, std::optional<std::string> R::*p,
                        field_kind kind = field_kind::text, field_source source = field_source::body) {
  field<R> f{json, column, kind, source};
  f.text = p;
  return f;
}
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column, std::optional<std::int64_t> R::*p,
                        field_kind kind = field_kind::integer) {
  field<R> f{json, column, kind};
  f.integer = p;
  return f;
}
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column, std::optional<bool> R::*p) {
  field<R> f{json, column, field_kind::boolean};
  f.boolean = p;
  return f;
}
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column, std::optional<party> R::*p) {
  field<R> f{json, column, field_kind::party};
  f.one_party = p;
  return f;
}
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column, std::optional<std::vector<party>> R::*p) {
  field<R> f{json, column, field_kind::parties};
  f.parties = p;
  return f;
}
template <class R>
constexpr field<R> make(std::string_view json, std::string_view column,
                        std::optional<std::vector<attachment>> R::*p) {
  field<R> f{json, column, field_kind::attachments};
  f.attachments = p;
  return f;
}
}  // namespace field_detail

// A message's typed fields in the order RingCentral's records list them (the
// order the API writes them in). Everything else a body carries is `extra`.
inline constexpr auto message_fields = [] {
  using field_detail::make;
  using k = field_kind;
  using m = message;
  return std::array{
      make("id", "rc_id", &m::id),
      make("uri", "uri", &m::uri),
      make("ownerId", "owner_id", &m::owner_id, k::id, field_source::derived),
      make("from", "has_from", &m::from),
      make("to", "has_to", &m::to),
      make("type", "type", &m::type, k::message_type),
      make("creationTime", "creation_time", &m::creation_time, k::time),
      make("readStatus", "read_status", &m::read_status),
      make("priority", "priority", &m::priority),
      make("attachments", "has_attachments", &m::attachments),
      make("direction", "direction", &m::direction),
      make("availability", "availability", &m::availability),
      make("subject", "subject", &m::subject),
      make("messageStatus", "message_status", &m::message_status),
      make("conversationId", "conversation_id", &m::conversation_id, k::id),
      make("lastModifiedTime", "last_modified_time", &m::last_modified_time, k::time),
      make("smsDeliveryTime", "sms_delivery_time", &m::sms_delivery_time, k::time),
      make("smsSendingAttemptsCount", "sms_sending_attempts_count", &m::sms_sending_attempts_count),
      make("deliveryErrorCode", "delivery_error_code", &m::delivery_error_code),
      make("segmentCount", "segment_count", &m::segment_count),
      make("faxPageCount", "fax_page_count", &m::fax_page_count),
      make("faxResolution", "fax_resolution", &m::fax_resolution),
      make("vmTranscriptionStatus", "vm_transcription_status", &m::vm_transcription_status),
      make("pgToDepartment", "pg_to_department", &m::pg_to_department),
  };
}();

// A `from` or `to` party's typed fields (table parties).
inline constexpr auto party_fields = [] {
  using field_detail::make;
  using k = field_kind;
  using p = party;
  return std::array{
      make("phoneNumber", "phone_number", &p::phone_number),
      make("extensionNumber", "extension_number", &p::extension_number, k::id),
      make("extensionId", "extension_id", &p::extension_id, k::id),
      make("name", "name", &p::name),
      make("location", "location", &p::location),
      make("target", "target", &p::target),
      make("messageStatus", "message_status", &p::message_status),
      make("faxErrorCode", "fax_error_code", &p::fax_error_code),
      make("recipientId", "recipient_id", &p::recipient_id, k::id),
  };
}();

// An attachment's typed fields (table attachments). A missing id is kept as "".
inline constexpr auto attachment_fields = [] {
  using field_detail::make;
  using a = attachment;
  return std::array{
      make("id", "id", &a::id),
      make("uri", "uri", &a::uri),
      make("type", "type", &a::type),
      make("contentType", "content_type", &a::content_type),
      make("size", "size", &a::size),
      make("vmDuration", "vm_duration", &a::vm_duration),
      make("fileName", "file_name", &a::file_name),
      make("height", "height", &a::height),
      make("width", "width", &a::width),
  };
}();

}  // namespace rcvault::core
