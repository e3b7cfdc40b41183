#pragma once
// What GET /v1/sync and /metrics show of Message Sync (docs/sync.md).

#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/sync_state.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::sync {

struct mailbox_status {
  std::string extension_id;
  store::mailbox_state state = store::mailbox_state::idle;
  std::optional<core::millis> last_sync;       // end of the last sync of either kind
  std::optional<core::millis> last_full_sync;
  std::int64_t records = 0;                    // records stored from this mailbox, all time
  std::optional<store::sync_error> error;
};

struct sync_status {
  ringcentral::token_status token;
  std::vector<mailbox_status> extensions;      // ordered by extension id
};

// The body of GET /v1/sync: {"token":{"state":"ok|failed|none","expiresAt"?,
// "error"?:{"code","message"}},"extensions":[{"extensionId","state",
// "lastSyncTime"?,"lastFullSyncTime"?,"records","error"?:{"code","message"}}]}
// with times in ISO 8601 UTC. Never holds a secret.
std::string to_json(const sync_status& s);

// Values for the metrics of docs/sync.md.
struct sync_metrics {
  ringcentral::client_stats client;             // rcvault_ringcentral_requests_total, _rate_limited_total
  std::uint64_t records_total = 0;              // rcvault_sync_records_total (stored by this process)
  std::map<std::string, core::millis> last_success;  // rcvault_sync_last_success_timestamp_seconds{extension}
  std::map<std::string, std::uint64_t> mailboxes;    // rcvault_sync_mailboxes{state}: every state, 0 included
};

}  // namespace rcvault::sync
