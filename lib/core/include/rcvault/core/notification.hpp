#pragma once
// One accepted notification (or imported REST record) on its way to the store.

#include "rcvault/core/event_kind.hpp"
#include "rcvault/core/message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::core {

// One entry of a message-store event's `changes` list.
struct change {
  std::string type;                             // SMS, Fax, VoiceMail, Pager
  std::int64_t new_count = 0;
  std::int64_t updated_count = 0;
  std::vector<std::string> new_message_ids;

  friend bool operator==(const change&, const change&) = default;
};

struct notification {
  std::string uuid;                             // envelope uuid (a number is kept as its digits)
  std::string event;                            // filter path as sent; "" when absent
  event_kind kind = event_kind::other;
  std::optional<std::string> subscription_id;
  std::optional<std::string> owner_id;          // the subscription's owner
  std::optional<millis> timestamp;              // envelope timestamp
  std::string raw;                              // bytes exactly as received
  std::optional<message> msg;                   // for message kinds that normalised
  std::vector<change> changes;                  // for message_store_changes
  std::optional<std::string> unnormalised_reason;  // set when a message kind failed to normalise
  bool stub = false;  // a Message Sync stub of a deleted/purged message (id + availability only)
};

// The order of message versions (docs/ingest.md, "Versions and merging"): lastModifiedTime, else
// creationTime, else the envelope timestamp; ties by timestamp, then uuid.
struct version_key {
  millis time = 0;
  millis sent = 0;
  std::string uuid;

  friend auto operator<=>(const version_key&, const version_key&) = default;
};

// Returns the version key of a notification carrying a message (msg set).
version_key version_of(const notification& n);

}  // namespace rcvault::core
