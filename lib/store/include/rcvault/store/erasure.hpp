#pragma once
// Erasure of personal data (docs/retention.md): everything about a phone
// number, a message or a time range is removed from the database and the
// attachment folder, and tombstones keep it from coming back through any way
// in (webhook, import, sync): the writer refuses what they match.

#include "rcvault/core/error.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/store/options.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace rcvault::store {

// What to erase: exactly one of the three is set.
struct erase_request {
  std::optional<std::string> phone_number;  // any form core::phone_digits accepts
  std::optional<std::string> message_id;    // RingCentral's message id
  std::optional<core::millis> before;       // every message whose creationTime is older
  bool dry_run = false;                     // count only; change nothing
};

// What an erasure removed (or, dry run, would remove).
struct erase_counts {
  std::int64_t messages = 0;          // message rows (for a number: where it is a party or a raw event writes it)
  std::int64_t events = 0;            // raw events (of those messages, and unnormalised ones naming the number)
  std::int64_t parties = 0;
  std::int64_t attachments = 0;       // attachment rows
  std::int64_t attachment_files = 0;  // content files no remaining message uses
  std::int64_t rejected = 0;          // dead letters naming the number
  std::int64_t tombstones = 0;        // tombstones written (numbers' hashes, message ids, a time bound)
  // After the erasure (not a dry run): whether the full-text index was merged
  // to the end (so deleted entries left its pages) and the WAL truncated by
  // a checkpoint (so no old page image remained in it). Either is false when
  // another connection kept it from finishing (docs/retention.md).
  bool index_merged = false;
  bool wal_truncated = false;
};

// Erases what `r` names from the database at `opts.path` (migrated) and its
// content files under `attachments_dir`, in batches of its own IMMEDIATE
// transactions with secure_delete on, so it may run while `serve` writes the
// same database. Tombstones are committed with the first batch, so nothing
// arriving during or after the erasure brings the data back. Returns the
// counts, or errc::bad_parameter for a request that names nothing (or more
// than one thing) or a number without digits, errc::unavailable when the
// database cannot be written (busy beyond the timeout, I/O, disk full).
core::result<erase_counts> erase(const options& opts, const erase_request& r,
                                 const std::filesystem::path& attachments_dir);

}  // namespace rcvault::store
