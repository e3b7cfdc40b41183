#pragma once
// From raw bytes to core types. Pure functions: no I/O, no global state, never
// throw on bad input (only std::bad_alloc), bounded in recursion and memory.

#include "rcvault/core/error.hpp"
#include "rcvault/core/notification.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

namespace rcvault::ingest {

// Parses one webhook body into a notification: envelope fields, the event
// kind (classify), and for message kinds the normalised message (or the reason
// it could not be normalised in unnormalised_reason). `raw` is copied into
// the result. Errors: invalid_json (not JSON, invalid UTF-8, nesting too deep,
// not an object; the message gives the byte offset), invalid_envelope (no
// uuid string/number or no body object; the message names what is missing).
core::result<core::notification> parse_envelope(std::string_view raw);

// Classifies an event filter path (query string allowed, ids may be numbers,
// '~' or masked) together with the body's shape (SPEC section 4 table).
core::event_kind classify(std::string_view event_path, bool body_has_changes_list) noexcept;

// Parses one REST message record (Get Message / one entry of Get Message List
// `records`) as an api_record notification whose uuid is derived from the
// message id and lastModifiedTime. `raw` is the record's own JSON text.
core::result<core::notification> parse_record(std::string_view raw);

// Re-derives the normalised message of a stored event from its raw bytes and
// kind (store::renormaliser); nullopt when it has none.
std::optional<core::message> renormalise(core::event_kind kind, std::string_view raw);

// Splits an import file's text into items and parses each: NDJSON (one item a
// line), a JSON array of items, or one JSON object; an item is an envelope, a
// message record, or a Get Message List response {"records":[...]} (each record
// an item). Calls `sink` once per item with its result and its 1-based line
// number in `text`.
void for_each_import_item(std::string_view text,
                          const std::function<void(core::result<core::notification>, std::size_t line)>& sink);

}  // namespace rcvault::ingest
