#pragma once
// Retention (options::retention_days, docs/retention.md): one small step of
// removing what is older than the cutoff, run by the writer thread between
// batches, in a transaction of its own.

#include "message_removal.hpp"
#include "rcvault/core/message.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <cstdint>

namespace rcvault::store::detail {

// How much one retention step (one transaction) removes: pieces of at most
// `piece` messages until `most` were removed, nothing old is left, or, when
// `budget` is not zero, the step has run that long.
struct retention_pace {
  std::int64_t most;
  std::int64_t piece;
  std::chrono::microseconds budget;
};

// While the writer is idle: a few hundred messages keep the transaction short.
inline constexpr retention_pace retention_idle_pace{256, 256, std::chrono::microseconds{0}};
// While webhooks arrive, between two batches: a step holds the next batch
// back, so it stops after about 3 ms whatever it removed (a step of 64 at
// once raised the webhook p99 by ~80 %; docs/retention.md).
inline constexpr retention_pace retention_busy_pace{64, 8, std::chrono::microseconds{3000}};

// What one step did; `more` when the step was full and another should follow.
struct retention_result {
  removed messages;
  std::int64_t unnormalised_events = 0;
  std::int64_t rejected = 0;
  bool more = false;
};

class retention {
 public:
  // Prepares the statements on `db` (the writer's connection), which must outlive this object.
  explicit retention(SQLite::Database& db);

  // In the caller's transaction: removes at most `most` messages
  // whose creationTime is before `cutoff` (oldest first), event rows without
  // a message received before it, and dead letters received before it,
  // lowering the counters and raising retention.* through `count`.
  // Throws SQLite::Exception.
  retention_result step(core::millis cutoff, std::int64_t most, const count_fn& count);

 private:
  message_removal removal_;
  SQLite::Statement old_messages_;
  SQLite::Statement events_from_;
  SQLite::Statement delete_rejected_;
  std::int64_t event_cursor_ = 0;  // events below this id were walked already
};

}  // namespace rcvault::store::detail
