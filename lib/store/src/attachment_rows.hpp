#pragma once
// Rows of attachment_archive (migrations/0005_attachment_archive.sql): the
// writer's side (a row per attachment of a stored message version, the
// fetcher's results, with their counter deltas) and the decoding the readers share.

#include "rcvault/core/message.hpp"
#include "rcvault/store/attachment_archive.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace rcvault::store::detail {

// The counter of rows in state `s` ("attachments.pending").
std::string archive_counter(archive_state s);
// The counter of the bytes of rows that became stored.
inline constexpr std::string_view archive_bytes_counter = "attachments.bytes";

// The state a new row of `a` (an attachment of `m`) starts in: skipped
// without uri or for the Text of an SMS or Pager message, else pending.
archive_state initial_state(const core::message& m, const core::attachment& a);

// Adds `delta` to counter `name` in the caller's batch.
using count_fn = std::function<void(std::string name, std::int64_t delta)>;

// The writer thread's statements on attachment_archive. Runs inside the
// caller's transaction; throws SQLite::Exception on failure (the batch rolls back).
class archive_rows {
 public:
  // Prepares the statements on `db`, which must outlive this object.
  explicit archive_rows(SQLite::Database& db);

  // A new message row: one row per attachment (the first of a repeated id),
  // pending or skipped, counted; `now` is their updated_at. One INSERT per attachment.
  void add(std::int64_t message_row, const core::message& m, core::millis now, const count_fn& count);

  // A stored message whose attachments or type changed: a row for each new
  // attachment as add(); an existing row takes the new uri (when given),
  // type and content type and keeps its state, except that a row never tried
  // (pending or skipped) takes the state add() would give it now. No row is
  // ever deleted.
  void update(std::int64_t message_row, const core::message& m, core::millis now, const count_fn& count);

  // Applies a fetcher's result to a row in state pending or failed (else,
  // or when there is no such row, changes nothing and returns false).
  bool apply(const attachment_result& r, core::millis now, const count_fn& count);

 private:
  bool insert(std::int64_t message_row, const core::attachment& a, archive_state s, core::millis now);

  SQLite::Statement insert_;
  SQLite::Statement select_;
  SQLite::Statement update_source_;
  SQLite::Statement select_state_;
  SQLite::Statement apply_;
};

// The columns of `attachment_archive a` joined with `messages m` that
// read_archive_row takes, in its order.
inline constexpr std::string_view archive_row_columns =
    "a.message_id, m.rc_id, a.attachment_id, a.uri, a.type, a.content_type, a.state, a.sha256, a.bytes, "
    "a.stored_type, a.reason, a.attempts, a.retry_at";

// Decodes the current row of a SELECT of archive_row_columns.
archived_attachment read_archive_row(SQLite::Statement& q);

// The archive of one row as messages show it: status, and sha256 and size when stored.
core::archive_info archive_info_of(archive_state s, std::optional<std::string> sha256, std::optional<std::int64_t> bytes);

}  // namespace rcvault::store::detail
