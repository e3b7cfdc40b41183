#pragma once
// Folding a message's versions into its state, whatever order they arrived in
// (docs/ingest.md, "Versions and merging"): the rule the writer applies again when an
// older version arrives after a newer one.

#include "rcvault/core/message.hpp"
#include "rcvault/core/notification.hpp"

#include <optional>
#include <vector>

namespace rcvault::core {

// One version of a message: its place in the version order and what it carried.
struct message_version {
  version_key key;
  message msg;
};

// A message as its versions make it.
struct folded_message {
  message msg;          // the oldest version with each newer one merged over it (merge_newer)
  version_key newest;   // the version the state now holds
  millis sort_base = 0; // the time it is listed by: its creationTime, else the oldest version's time
};

// Returns the state in-order arrival of `versions` would have given: ordered by
// version_key, the oldest taken whole and each newer one merged over it.
// `versions` may come in any order and must all be of one message; nullopt
// when there are none. Pure; never throws but bad_alloc.
std::optional<folded_message> fold_versions(std::vector<message_version> versions);

}  // namespace rcvault::core
