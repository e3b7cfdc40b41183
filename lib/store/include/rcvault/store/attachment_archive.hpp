#pragma once
// The archive state of each attachment (docs/attachments.md), keyed by
// (message, attachment id). The writer adds a row for every attachment of a
// stored message version (in the batch that stores it) and applies the
// fetcher's results (writer::submit_attachment_result) with the counters
// `attachments.<state>` and `attachments.bytes`. The fetcher reads what is due
// with attachment_queue on its own connection.

#include "rcvault/core/error.hpp"
#include "rcvault/core/message.hpp"
#include "rcvault/store/options.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::store {

// Where an attachment's content stands.
//   pending   : to be downloaded
//   stored    : the file sha256/ab/<hex> under attachments.dir holds it
//   skipped   : a Text attachment of an SMS or Pager message, or one without uri
//   gone      : RingCentral answered 404 (purged)
//   forbidden : RingCentral answered 403
//   too_large : larger than attachments.max_bytes
//   failed    : the last try failed; tried again at retry_at
enum class archive_state { pending, stored, skipped, gone, forbidden, too_large, failed };

// Returns "pending", "stored", "skipped", "gone", "forbidden", "too_large" or "failed".
std::string_view to_string(archive_state s) noexcept;
// Parses a name produced by to_string; nullopt for anything else.
std::optional<archive_state> archive_state_from_string(std::string_view s) noexcept;
// Where content with lower-case hex digest `sha256` is kept under
// attachments.dir: dir/sha256/<its first two hex digits>/<sha256>. Only
// composed, never checked.
std::filesystem::path content_path(const std::filesystem::path& dir, std::string_view sha256);

// Every state, in the order above (for metrics).
inline constexpr archive_state all_archive_states[] = {
    archive_state::pending,   archive_state::stored,    archive_state::skipped, archive_state::gone,
    archive_state::forbidden, archive_state::too_large, archive_state::failed};

// One row of the archive state.
struct archived_attachment {
  std::int64_t message_row = 0;            // messages.id (internal row id)
  std::string message_id;                  // RingCentral's message id
  std::string attachment_id;
  std::optional<std::string> uri;          // as RingCentral gave it (last version that listed it)
  std::optional<std::string> type;         // Text, MmsAttachment, AudioRecording, ...
  std::optional<std::string> content_type; // as RingCentral declared it
  archive_state state = archive_state::pending;
  std::optional<std::string> sha256;       // stored: lower-case hex of the content
  std::optional<std::int64_t> bytes;       // stored: content length
  std::optional<std::string> stored_type;  // stored: Content-Type of the download
  std::optional<std::string> reason;       // failed / forbidden / gone: why (safe to show)
  std::int64_t attempts = 0;               // downloads tried
  core::millis retry_at = 0;               // pending / failed: not before this (ms since the epoch)
};

// What the fetcher reports for one attachment; the writer applies it in its
// batch transaction with the counters. Only a row still `pending` or
// `failed` changes (a result for a row that is already final is ignored).
struct attachment_result {
  std::int64_t message_row = 0;
  std::string attachment_id;
  archive_state state = archive_state::failed;  // stored, gone, forbidden, too_large or failed
  std::optional<std::string> sha256;            // stored
  std::optional<std::int64_t> bytes;            // stored
  std::optional<std::string> stored_type;       // stored
  std::optional<std::string> reason;            // failed / gone / forbidden / too_large
  core::millis retry_at = 0;                    // failed: when to try again
};

// The fetcher's view of the rows, on its own read-only connection.
// Not thread-safe: one owner thread.
class attachment_queue {
 public:
  // Opens a connection (busy timeout from `opts`) on an existing, migrated
  // database. Throws std::runtime_error naming the file when it cannot.
  explicit attachment_queue(const options& opts);
  ~attachment_queue();
  attachment_queue(const attachment_queue&) = delete;
  attachment_queue& operator=(const attachment_queue&) = delete;

  // At most `limit` rows in state pending or failed whose retry_at <= now,
  // oldest retry_at first (then message row, attachment id). Throws on I/O failure.
  std::vector<archived_attachment> due(core::millis now, std::size_t limit);

  // The earliest retry_at of a failed row after `now`, nullopt when none.
  std::optional<core::millis> next_retry(core::millis now);

  // Whether any row stored with `sha256` exists (the file is then already
  // in place: identical content is kept once).
  bool has_stored(std::string_view sha256);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::store
