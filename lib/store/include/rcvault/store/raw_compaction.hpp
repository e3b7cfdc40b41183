#pragma once
// Re-encoding stored raw payloads with the newest zstd dictionary, training
// a new one first when asked (`rcvault compact`, docs/storage.md).

#include "rcvault/core/error.hpp"
#include "rcvault/store/options.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace rcvault::store {

struct compact_request {
  bool retrain = false;             // train a new dictionary version even when one exists
  std::size_t samples = 4000;       // events sampled (evenly over the table) for training
  std::size_t batch_rows = 500;     // rows re-encoded per transaction
};

// What a compaction did.
struct compact_report {
  std::optional<std::int64_t> trained;  // the dictionary version written, if any
  std::optional<std::int64_t> dictionary;  // the version rows now use (nullopt: zstd without one)
  std::int64_t rows = 0;                // rows re-encoded
  std::int64_t bytes_before = 0;        // their raw column before
  std::int64_t bytes_after = 0;         // and after
  std::int64_t dropped = 0;             // dictionary versions no row used any more, deleted
};

// On the migrated database at `opts.path`: trains a dictionary from a sample
// of the stored events when none exists or `r.retrain` (skipped, with rows
// then compressed without one, when too few events), then re-encodes every
// row not stored with the newest dictionary in IMMEDIATE transactions of
// `r.batch_rows` rows (so it may run while `serve` writes), and deletes the
// versions that no row uses and that are not the newest. Every row decodes to
// the same bytes after it as before. errc::unavailable when the database
// cannot be written (busy beyond the timeout, I/O) or a row does not decode
// (its message names the row and the dictionary); errc::usage when the file
// does not exist.
core::result<compact_report> compact_raw(const options& opts, const compact_request& r);

}  // namespace rcvault::store
