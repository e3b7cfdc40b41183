#pragma once
// From raw bytes to core types. Pure functions: no I/O, no global state, never
// throw on bad input (only std::bad_alloc), bounded in recursion and memory.

#include "rcvault/core/error.hpp"
#include "rcvault/core/notification.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::ingest {

// Parses one webhook body into a notification: envelope fields, the event
// kind (classify), and for message kinds the normalised message (or the reason
// it could not be normalised in unnormalised_reason). `raw` is copied into
// the result. Errors: invalid_json (not JSON, invalid UTF-8, nesting deeper
// than 64, not an object; the message gives the byte offset), invalid_envelope
// (no uuid string/integer or no body object; the message names what is missing).
//
// Normalisation rules (docs/ingest.md; reasons name the field, e.g.
// "body.to[1].target: expected true or false"):
// - Ids (message, attachment, party extension/recipient ids, conversation ids,
//   uuid, newMessageIds) are strings or JSON integers (int64/uint64, kept digit
//   for digit); a non-integer number or one beyond 64 bits is a wrong type.
// - A documented field of the wrong JSON type, or a time that does not parse,
//   makes the message unnormalised (msg empty, reason set); so does a missing or
//   empty body.id and, for message kinds, an envelope timestamp that does not parse.
//   Body times without a zone are taken as UTC. A missing attachment id is "".
// - message_store_changes with a malformed changes list also gets a reason
//   (and no changes); other kinds never do.
// - message.extra holds every undocumented top-level body field plus `owner`
//   and `conversation`, with integer ids ("id", "*Id", "*Ids") turned into
//   strings and top-level nulls dropped; parties and attachments likewise.
// - type is canonicalised case-insensitively (SMS, Fax, VoiceMail, Pager, Text).
core::result<core::notification> parse_envelope(std::string_view raw);

// Classifies an event filter path (query string allowed, ids may be numbers,
// '~' or masked) together with the body's shape (docs/ingest.md, "Kinds and outcomes").
core::event_kind classify(std::string_view event_path, bool body_has_changes_list) noexcept;

// Parses one REST message record (Get Message / one entry of Get Message List
// `records`) as an api_record notification whose uuid is derived from the
// message id and lastModifiedTime: "api:<id>:<lastModifiedTime>" with the time
// normalised to YYYY-MM-DDTHH:MM:SS.mmmZ (as sent when it does not parse), or
// "api:<id>:h<16 hex digits>" (FNV-1a of the record) when it has none. The
// message's owner is owner.extensionId, else the record's extensionId, else the
// extension in its uri. `raw` is the record's own JSON text. Errors:
// invalid_json; invalid_record (not an object, an envelope, no usable id, or
// no message field such as type/direction/from/to).
core::result<core::notification> parse_record(std::string_view raw);

// Returns the mailbox (extension id) a notification is about: the extension
// in its event path, else the envelope's ownerId (the subscriber), else "".
std::string mailbox_of(const core::notification& n);

// Re-derives the normalised message of a stored event from its raw bytes and
// kind (store::renormaliser); nullopt when it has none.
std::optional<core::message> renormalise(core::event_kind kind, std::string_view raw);

// Splits an import file's text into items and parses each: NDJSON (one item a
// line), a JSON array of items, or one JSON object; an item is an envelope, a
// message record, or a Get Message List response {"records":[...]} (each record
// an item). Calls `sink` once per item with its result and its 1-based line
// number in `text` (the line where the item starts); an item's raw text is its
// exact bytes in `text`. A broken NDJSON line is one invalid_json item and the
// next line is tried; a broken array ends the array after one invalid_json.
void for_each_import_item(std::string_view text,
                          const std::function<void(core::result<core::notification>, std::size_t line)>& sink);

// One record of a Message Sync page (docs/sync.md).
struct sync_record {
  // Always set, so nothing RingCentral returns is dropped: a full record as
  // parse_record makes it (its owner the mailbox synced when the record
  // names none); a stub of a deleted or purged message
  // (no lastModifiedTime, an availability) with `stub` set, uuid
  // "api:<id>:<availability>:<syncTime>", the page's syncTime as timestamp
  // and a message holding only id, availability and owner; anything else
  // (not an object, no usable id, no message field) stored whole as
  // unnormalised, uuid "api:<id or ->:h<16 hex digits>".
  core::notification n;
  std::string id;                             // the record's id as text, "" when it has none usable
  std::optional<core::millis> creation_time;  // its creationTime when that parses
};

// A Message Sync page's syncInfo.
struct sync_info {
  std::string sync_type;             // "FSync" or "ISync", as sent ("" when absent)
  std::string sync_token;
  core::millis sync_time = 0;
  bool older_records_exist = false;  // false when absent
};

struct sync_page {
  std::vector<sync_record> records;  // in page order (newest first)
  sync_info info;
};

// Parses a Message Sync answer {"records":[...],"syncInfo":{...}} of mailbox
// `mailbox` (its extension id); each record's raw text is its exact bytes in
// `raw`. Errors: invalid_json (not JSON, not an object), invalid_record (no
// records array, no syncInfo with a syncToken string and a syncTime that
// parses; the message names the field). A record never fails the page.
core::result<sync_page> parse_sync_page(std::string_view raw, std::string_view mailbox);

}  // namespace rcvault::ingest
