#pragma once
// What a stored event is, told apart by its filter path and body shape (docs/ingest.md, "Kinds and outcomes").

#include <optional>
#include <string_view>

namespace rcvault::core {

enum class event_kind {
  instant_message,
  voicemail,
  fax,
  message_store_changes,
  subscription_reminder,
  other,
  api_record,
};

// Returns the stored/API name ("instant_message", ..., "api_record").
std::string_view to_string(event_kind k) noexcept;
// Parses a name produced by to_string; nullopt for anything else.
std::optional<event_kind> event_kind_from_string(std::string_view s) noexcept;

// What happened to an accepted event (docs/ingest.md, "Kinds and outcomes").
enum class outcome {
  applied,       // normalised and merged into its message (or a raw-only kind stored)
  stale,         // older than the stored version of its message
  unnormalised,  // well formed, stored raw, but its body could not be normalised
};

// Returns "applied", "stale" or "unnormalised".
std::string_view to_string(outcome o) noexcept;
// Parses a name produced by to_string; nullopt for anything else.
std::optional<outcome> outcome_from_string(std::string_view s) noexcept;

}  // namespace rcvault::core
