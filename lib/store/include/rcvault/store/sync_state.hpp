#pragma once
// Message Sync's state per mailbox and the sync lease (docs/sync.md), as the
// store keeps them. Written only through the writer (writer::submit_checkpoint),
// in order with the records submitted before, so a crash repeats work and
// never skips it; read with the functions below on their own connection.
// The writer applies a checkpoint with detail::apply_sync_checkpoint
// (lib/store/src/sync_rows.hpp).

#include "rcvault/core/error.hpp"
#include "rcvault/core/message.hpp"
#include "rcvault/store/options.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::store {

// Where a mailbox's sync stands (the `state` of GET /v1/sync).
enum class mailbox_state { idle, syncing, backoff, forbidden, gone, failed };

// Returns "idle", "syncing", "backoff", "forbidden", "gone" or "failed".
std::string_view to_string(mailbox_state s) noexcept;
// Parses a name produced by to_string; nullopt for anything else.
std::optional<mailbox_state> mailbox_state_from_string(std::string_view s) noexcept;

// An id seen at the walk-back cursor's time, skipped when a later page repeats it.
struct seen_record {
  std::string id;
  core::millis creation_time = 0;

  friend bool operator==(const seen_record&, const seen_record&) = default;
};

// A full sync (FSync) that has not reached its last page yet.
struct full_sync_progress {
  std::string first_token;                 // the first page's syncToken ("" before it came)
  core::millis date_from = 0;              // dateFrom of every page
  std::optional<core::millis> date_to;     // the walk-back cursor; none before the first page
  std::vector<seen_record> seen;           // ids already stored at the cursor time

  friend bool operator==(const full_sync_progress&, const full_sync_progress&) = default;
};

// The last failure of a mailbox's sync (RingCentral's errorCode or ours).
struct sync_error {
  std::string code;
  std::string message;

  friend bool operator==(const sync_error&, const sync_error&) = default;
};

// One mailbox's whole sync state. A checkpoint replaces the stored row
// entirely, so the syncer (one per database: the lease) writes what it holds.
struct sync_checkpoint {
  std::string extension_id;
  mailbox_state state = mailbox_state::idle;
  std::optional<std::string> sync_token;       // ISync token; none until a full sync ended
  std::optional<full_sync_progress> full;      // set while a full sync walks back
  std::optional<core::millis> last_full_sync;  // end of the last full sync
  std::optional<core::millis> last_sync;       // end of the last sync of either kind
  std::int64_t records = 0;                    // records stored from this mailbox, all time
  std::optional<sync_error> error;             // the last failure; none after a success

  friend bool operator==(const sync_checkpoint&, const sync_checkpoint&) = default;
};

// Every mailbox's last committed checkpoint, ordered by extension id. Opens
// its own connection (busy timeout from `opts`); the file must exist and be
// migrated. Throws SQLite::Exception-derived std::runtime_error on I/O failure.
std::vector<sync_checkpoint> read_sync_states(const options& opts);

// One mailbox's last committed checkpoint, nullopt when it was never synced.
// Throws as read_sync_states.
std::optional<sync_checkpoint> read_sync_state(const options& opts, std::string_view extension_id);

// The process that syncs a database.
struct lease_holder {
  std::string holder;            // "host pid N"
  core::millis heartbeat = 0;    // its last renewal, ms since the epoch
};

// "<hostname> pid <pid>": who this process is, in the lease.
std::string this_process_lease_name();

// Takes the database's sync lease for `holder`. It is free when no row is
// there, the row names `holder`, its heartbeat is older than `stale_after`,
// or it names a process of this host that no longer runs. Otherwise
// errc::unavailable with a message naming the holder ("the database is synced
// by host pid 123 (heartbeat 4 s ago)"). Opens its own connection; throws on
// SQLite I/O failure (a busy database waits up to opts.busy_timeout).
core::result<void> acquire_sync_lease(const options& opts, const std::string& holder,
                                      std::chrono::milliseconds stale_after);

// Renews the heartbeat; false when the lease is no longer `holder`'s (taken
// over after it went stale). Throws as acquire_sync_lease.
bool renew_sync_lease(const options& opts, const std::string& holder);

// Gives the lease up when `holder` holds it. Never throws (a failure is
// logged; the lease then goes stale on its own).
void release_sync_lease(const options& opts, const std::string& holder) noexcept;

// The current holder, nullopt when nobody holds the lease. Throws as above.
std::optional<lease_holder> read_sync_lease(const options& opts);

}  // namespace rcvault::store
