#pragma once
// How Message Sync runs (the [sync] keys, docs/sync.md).

#include "rcvault/core/message.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::sync {

// Which mailboxes sync.extensions names.
enum class mailbox_selection {
  own,   // "~": the token's owner
  all,   // "all": every extension the token may read, listed again every relist_interval
  list,  // the ids in options::extensions
};

struct options {
  mailbox_selection selection = mailbox_selection::own;
  std::vector<std::string> extensions;           // when selection == list
  std::chrono::seconds interval{300};            // sync every mailbox at least this often
  core::millis since = 946'684'800'000;          // 2000-01-01T00:00:00Z: dateFrom of a full sync
  std::optional<unsigned> retention_days;        // dateFrom is then no older than this many days
  unsigned record_count = 1000;                  // recordCount of each Message Sync request
  std::chrono::milliseconds poke_delay{1000};    // pokes within this window coalesce into one sync
  std::chrono::seconds relist_interval{3600};    // "all": how often the extension list is read again
  std::chrono::milliseconds heartbeat{10'000};   // lease renewal; the lease is stale after 3 missed
  std::chrono::milliseconds backoff_min{30'000};  // a mailbox's first wait after a transient failure
};

}  // namespace rcvault::sync
