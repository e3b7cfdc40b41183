#pragma once
// The one write path: a bounded queue and one writer thread doing group
// commits (one IMMEDIATE transaction per batch), a sync thread that fdatasyncs
// the WAL behind it (synchronous=full) and a checkpointer thread. Nothing is
// reported stored before the transaction holding it committed and, with
// synchronous=full, reached the disk.

#include "rcvault/core/error.hpp"
#include "rcvault/core/notification.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/options.hpp"
#include "rcvault/store/sync_state.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::store {

enum class write_status {
  stored,       // committed (outcome says applied / stale / unnormalised)
  duplicate,    // an event with this uuid was already stored; nothing changed
  unavailable,  // queue full, writer stopped, or the batch's commit failed: nothing stored
};

struct write_result {
  write_status status = write_status::unavailable;
  core::outcome outcome = core::outcome::applied;  // meaningful when status == stored
  bool message_created = false;                    // stored, and it created its message
};

// Which producers an item comes from. The webhook lane may fill the whole
// queue and is taken first; the background lane (import, Message Sync) holds
// at most half of queue_max, and its producers wait for room instead of being
// refused, so a large sync never turns webhook acknowledgements into 503s.
enum class lane { webhook, background };

// A request refused as invalid_json / invalid_envelope, kept for inspection.
struct rejected_request {
  core::millis received_at = 0;
  std::string code;      // core::code_name of the refusal
  std::string message;   // the refusal's message (e.g. byte offset)
  std::size_t size = 0;  // body size in bytes
  std::string head;      // the first bytes of the body (at most 256)
};

// Re-derives the normalised message of a stored event from its raw bytes, for
// re-folding a message when a version arrives out of order. Supplied by the
// caller (ingest), so store never depends on ingest.
using renormaliser = std::function<std::optional<core::message>(core::event_kind, std::string_view raw)>;

// Counters the writer keeps for /metrics; read with writer::snapshot().
struct writer_stats {
  std::uint64_t batches = 0;
  std::uint64_t notifications = 0;
  std::size_t queue_depth = 0;                       // both lanes
  std::size_t background_depth = 0;                  // the background lane
  std::size_t last_batch_size = 0;
  std::chrono::steady_clock::time_point last_loop;  // watchdog: writer thread alive
  // Where an acknowledgement's time goes (all totals since start):
  std::chrono::nanoseconds commit_time{0};           // applying and committing batches
  std::uint64_t wal_syncs = 0;                       // fdatasyncs of the WAL (synchronous=full)
  std::chrono::nanoseconds wal_sync_time{0};         // ...and their time
  std::uint64_t checkpoint_waits = 0;                // writer waiting to start the WAL over
  std::chrono::nanoseconds checkpoint_wait_time{0};  // ...and their time
  // True once an fdatasync of the WAL failed: nothing is acknowledged any more
  // until restart (/readyz answers 503).
  bool wal_sync_failed = false;
};

class writer {
 public:
  // Opens its own read-write connection on an already migrated database.
  // Throws std::runtime_error naming the file when it cannot be opened.
  writer(const options& opts, renormaliser renormalise);
  // Stops (draining the queue) if still running.
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Starts the writer thread. Call once.
  void start();

  // Queues one notification in `l`; `done` runs exactly once: after the batch
  // holding it committed and, with synchronous=full, after the WAL was
  // fdatasync'ed (on the writer's sync thread; on the writer thread when the
  // batch failed or with synchronous=normal), or at once on the caller's
  // thread with `unavailable` when the writer is stopped or, in the webhook
  // lane, the queue is full. In the background lane a full lane returns false
  // instead: nothing is queued, `done` is not called; wait with when_room().
  // Items of one lane commit in the order they were queued. Once a sync of
  // the WAL has failed, every later write is answered `unavailable`.
  // `n` is moved from only when the call returns true. `n.raw` must be set;
  // received time is taken at submit. Thread-safe.
  bool submit(core::notification&& n, std::function<void(const write_result&)> done, lane l = lane::webhook);

  // Queues a sync checkpoint in the background lane, behind every item queued
  // there before it, so it commits in the batch of the last of them or later.
  // `done(true)` once committed (and synced, as submit), `done(false)` when
  // the batch failed or the writer is stopped; false (nothing queued) when the
  // lane is full. Thread-safe.
  bool submit_checkpoint(sync_checkpoint cp, std::function<void(bool committed)> done);

  // Queues the attachment fetcher's result for one attachment in the
  // background lane (docs/attachments.md); applied in a batch transaction with
  // the counters. `done(true)` once committed (and synced, as submit),
  // `done(false)` when the batch failed or the writer is stopped; false
  // (nothing queued) when the lane is full. Thread-safe.
  bool submit_attachment_result(attachment_result r, std::function<void(bool committed)> done);

  // Calls `wake` once, on the writer thread or at once on the caller's, when
  // the background lane has room (or the writer stopped). Thread-safe.
  void when_room(std::function<void()> wake);

  // Queues a dead letter (no acknowledgement; dropped when the queue is full).
  void reject(rejected_request r);

  // Stops taking work, commits everything queued, checkpoints the WAL and
  // joins the thread. Idempotent; thread-safe.
  void stop();

  // A snapshot of the counters (the writer's consistent with each other; the
  // sync thread's read right after). Thread-safe.
  writer_stats snapshot() const;

  // Fault injection for tests: the writer thread sets PRAGMA max_page_count to
  // `pages` before its next batch, so a batch that grows the file fails as on
  // a full disk (SQLite never lowers it below the current size); 0 lifts the
  // limit again. Thread-safe.
  void set_max_page_count(std::uint64_t pages);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::store
