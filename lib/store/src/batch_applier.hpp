#pragma once
// Applies one batch of the writer's queue in one IMMEDIATE transaction (the
// writer thread only; docs/ingest.md, "Group commit").

#include "retention.hpp"
#include "submission_queue.hpp"
#include "rcvault/store/options.hpp"
#include "rcvault/store/writer.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace rcvault::store::detail {

class batch_applier {
 public:
  // Prepares its statements on `db` (the writer's connection); the references must outlive it.
  batch_applier(SQLite::Database& db, const options& opts, const renormaliser& renormalise);
  ~batch_applier();
  batch_applier(const batch_applier&) = delete;
  batch_applier& operator=(const batch_applier&) = delete;

  // Applies `batch` in one transaction, filling `results` (one per item, the
  // writes' outcomes); returns false, with everything rolled back, when any
  // statement or the COMMIT failed. Throws nothing of SQLite's.
  bool apply(std::vector<work>& batch, std::vector<write_result>& results);

  // One retention step (options::retention_days) in its own transaction:
  // removes messages created before `cutoff`, old unnormalised events and
  // dead letters, as much as `pace` allows (retention.hpp), then deletes the content files
  // no stored attachment uses any more. Returns whether more is left (false
  // too when the step failed: it rolled back and is logged; the next timer
  // tries again). Throws nothing of SQLite's.
  bool retain(core::millis cutoff, const retention_pace& pace);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::store::detail
