#pragma once
// A RingCentral message as rcvault keeps it: every documented field of the
// message record has a typed place; whatever else the body carried is kept in
// `extra` so the API can return it. Absent (or JSON null) is std::nullopt.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::core {

// Milliseconds since the Unix epoch, UTC: the one time representation (see time.hpp).
using millis = std::int64_t;

// A `from` or `to` party. Any field may be missing: pager parties carry only an
// extension number, voicemail recipients sometimes only a name.
struct party {
  std::optional<std::string> phone_number;      // as sent ("+16505550100", "(866)123-4567")
  std::optional<std::string> extension_number;
  std::optional<std::string> extension_id;
  std::optional<std::string> name;
  std::optional<std::string> location;
  std::optional<bool> target;                   // group MMS: sent exactly to this recipient
  std::optional<std::string> message_status;    // per-recipient status of outbound messages
  std::optional<std::string> fax_error_code;
  std::optional<std::string> recipient_id;
  boost::json::object extra;                    // undocumented fields (phoneNumberInfo, ...)

  friend bool operator==(const party&, const party&) = default;
};

// Where an attachment's content stands in the archive (docs/attachments.md):
// filled by the store's reader, never by normalisation.
struct archive_info {
  std::string status;                     // pending, stored, skipped, gone, forbidden, too_large, failed
  std::optional<std::string> sha256;      // stored
  std::optional<std::int64_t> size;       // stored: bytes

  friend bool operator==(const archive_info&, const archive_info&) = default;
};

struct attachment {
  std::string id;
  std::optional<std::string> uri;
  std::optional<std::string> type;              // Text, MmsAttachment, AudioRecording, ...
  std::optional<std::string> content_type;
  std::optional<std::int64_t> size;
  std::optional<std::int64_t> vm_duration;
  std::optional<std::string> file_name;
  std::optional<std::int64_t> height;
  std::optional<std::int64_t> width;
  boost::json::object extra;
  std::optional<archive_info> archive;          // the reader's, for answers; unset in normalised messages

  friend bool operator==(const attachment&, const attachment&) = default;
};

struct message {
  std::string id;                               // body.id, digit for digit
  std::optional<std::string> owner_id;          // resolved mailbox (docs/ingest.md, "Ids, times, phone numbers")
  std::optional<std::string> type;              // SMS, Fax, VoiceMail (never Voicemail), Pager, Text
  std::optional<std::string> direction;
  std::optional<std::string> subject;
  std::optional<std::string> read_status;
  std::optional<std::string> message_status;
  std::optional<std::string> priority;
  std::optional<std::string> availability;
  std::optional<std::string> conversation_id;   // conversation.id over conversationId
  std::optional<millis> creation_time;
  std::optional<millis> last_modified_time;
  std::optional<millis> sms_delivery_time;
  std::optional<std::int64_t> sms_sending_attempts_count;
  std::optional<std::string> delivery_error_code;
  std::optional<std::int64_t> segment_count;
  std::optional<std::int64_t> fax_page_count;
  std::optional<std::string> fax_resolution;
  std::optional<std::string> vm_transcription_status;
  std::optional<bool> pg_to_department;
  std::optional<std::string> uri;
  std::optional<party> from;
  std::optional<std::vector<party>> to;         // nullopt: not carried; empty: carried empty
  std::optional<std::vector<attachment>> attachments;
  // Every other body field as sent (owner, eventType, conversation, unknown
  // ones), ids already as strings. Merged key by key across versions.
  boost::json::object extra;

  friend bool operator==(const message&, const message&) = default;
};

// Merges a newer version into `base` (docs/ingest.md, "Versions and merging"): each field `newer`
// carries wins, each it lacks is kept; from/to/attachments are replaced as a
// whole when carried; `extra` is merged key by key. Pure; never throws but bad_alloc.
void merge_newer(message& base, const message& newer);

}  // namespace rcvault::core
