#pragma once
// How to open the store. No SQLiteCpp type appears in any public store header.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>

namespace rcvault::store {

enum class synchronous { full, normal };

// How the write-ahead log is copied back into the database file, in pages
// (4 KiB). A checkpoint pass runs each time the WAL has grown by
// `checkpoint_step` pages, so a page that many commits rewrite in between is
// copied once. In the last `closing_pages` before `restart_pages` a pass
// follows every commit, so that little is left to copy; past
// `restart_pages` the writer lets the running pass end, then waits for one
// last pass and the WAL starts over; past `limit_pages` it waits at once.
// The WAL file stays under about `limit_pages`.
struct wal_pacing {
  int checkpoint_step = 4000;
  int closing_pages = 16000;
  int restart_pages = 40000;
  int limit_pages = 48000;
};

struct options {
  std::filesystem::path path = "./var/rcvault.db";
  synchronous sync = synchronous::full;
  std::size_t batch_max = 512;                 // most notifications in one group commit
  std::size_t queue_max = 8192;                // waiting notifications; beyond: unavailable
  // Most background-lane items (import, Message Sync) in one batch while
  // webhooks arrive (one queued within the last second), so that a webhook
  // item never waits behind a commit of many synced records: with 16 the
  // webhook p99 during a full sync stayed within 1.7x of idle, with 128 it
  // was 3x (docs/performance.md). Without webhooks the background lane
  // fills batches up to batch_max.
  std::size_t background_batch_max = 16;
  std::size_t rejected_max = 10000;            // dead-letter cap: oldest rows go beyond it
  std::chrono::milliseconds busy_timeout{5000};
  // The writer connection's page cache (PRAGMA cache_size), in KiB: it keeps
  // the hot index pages of a large archive; what a process's peak RSS grows to.
  std::size_t writer_cache_kib = 65536;
  wal_pacing wal;
  // How many payloads the writer compresses without a dictionary before it
  // trains the database's first one from them (docs/storage.md); 0: never
  // (rcvault compact trains one).
  std::size_t raw_dictionary_samples = 4000;
  // retention.days (docs/retention.md): when set, the writer removes messages
  // whose creationTime is older than this many days (with their events,
  // parties, full-text entries, counters and attachment rows) in small
  // batches of the background lane; content files no other message uses are
  // deleted from `attachments_dir` after the batch commits. Unset: keep forever.
  std::optional<int> retention_days;
  std::filesystem::path attachments_dir;
};

}  // namespace rcvault::store
