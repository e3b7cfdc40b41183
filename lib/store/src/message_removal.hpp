#pragma once
// The one removal path of stored messages (retention and erasure,
// docs/retention.md): a message's events, full-text entry, row (its parties,
// attachments and archive rows follow by ON DELETE CASCADE) and the counters
// of what is stored, inside the caller's transaction.

#include "attachment_rows.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace rcvault::store::detail {

// What a removal took away.
struct removed {
  std::int64_t messages = 0;
  std::int64_t events = 0;
  std::int64_t parties = 0;
  std::int64_t attachments = 0;    // attachment rows
  std::set<std::string> contents;  // sha256 of stored contents the removed messages held

  removed& operator+=(const removed& o);
};

// Counters of what is stored now, which a removal lowers: messages.total,
// messages.type.*, messages.direction.*, events.total, events.applied,
// events.stale, events.unnormalised, attachments.<state>, attachments.bytes.
// Counters of what was ever seen stay: events.duplicate, rejected.total.
class message_removal {
 public:
  // Prepares the statements on `db` (foreign_keys must be ON), which must outlive this object.
  explicit message_removal(SQLite::Database& db);

  // Removes the messages with row ids `rows` in the caller's transaction,
  // lowering the counters through `count`. Throws SQLite::Exception.
  removed remove_messages(const std::vector<std::int64_t>& rows, const count_fn& count);

  // Removes the event rows `ids` (ones without a message: unnormalised or
  // stubs), lowering the event counters. Throws SQLite::Exception.
  std::int64_t remove_events(const std::vector<std::int64_t>& ids, const count_fn& count);

 private:
  SQLite::Statement message_;
  SQLite::Statement event_outcomes_;
  SQLite::Statement delete_events_;
  SQLite::Statement count_parties_;
  SQLite::Statement count_attachments_;
  SQLite::Statement archive_rows_;
  SQLite::Statement fts_delete_;
  SQLite::Statement delete_message_;
  SQLite::Statement event_outcome_;
  SQLite::Statement delete_event_;
};

// Deletes the content file of each of `contents` that no attachment_archive
// row of state stored uses any more (read on `db`, outside a transaction),
// from `dir` (store::content_path). Returns how many files it deleted; a file
// already absent is not counted, one that cannot be deleted is logged.
std::int64_t delete_unused_contents(SQLite::Database& db, const std::filesystem::path& dir,
                                    const std::set<std::string>& contents);

}  // namespace rcvault::store::detail
