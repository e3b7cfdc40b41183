#pragma once
// Reading and writing one message's rows (messages, parties, attachments and
// its full-text entry) with statements prepared once per connection.

#include "record_columns.hpp"

#include "rcvault/core/message.hpp"
#include "rcvault/core/notification.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace rcvault::store::detail {

// The sort-key range of a base time: keys are base * 1024 + a tie breaker.
constexpr std::int64_t keys_per_ms = 1024;

class message_rows {
 public:
  // Prepares the statements on `db`, which must outlive this object. Throws on SQLite errors.
  explicit message_rows(SQLite::Database& db);

  // The stored message with RingCentral id `rc_id`, or nullopt.
  std::optional<stored_message> load(const std::string& rc_id);

  // The sort key to give a message whose base time is `base`: `current` when
  // it already lies in the base's range, else the key after the range's last
  // taken one, else (the top is taken) the first free key from base * 1024 on.
  std::int64_t place(core::millis base, std::optional<std::int64_t> current);

  // Inserts a new message at the next row id with every child row; its
  // full-text entry under `sort_key` waits for flush_text(). Returns the new
  // row id.
  std::int64_t insert(std::int64_t sort_key, const core::message& m, const core::version_key& v);

  // Replaces `old` by `m` in place (same row id), now ordered by `sort_key`
  // (which may differ from old.sort_key); the full-text change waits for
  // flush_text().
  void rewrite(const stored_message& old, std::int64_t sort_key, const core::message& m, const core::version_key& v);

  // Writes the full-text changes since the last flush or discard, in key
  // order; call once per transaction before COMMIT. Throws on SQLite errors.
  void flush_text();

  // Drops the full-text changes not yet written (the transaction rolled back).
  void discard_text();

 private:
  void bind_message(SQLite::Statement& s, std::int64_t sort_key, const core::message& m, const core::version_key& v);
  void insert_children(std::int64_t row_id, std::int64_t sort_key, const core::message& m);
  // Runs fts_insert_ or fts_delete_ for one text at one sort key.
  void index_text(SQLite::Statement& s, std::int64_t sort_key, const std::string& text);
  // Queues the removal of the entry at `sort_key`: dropped from text_adds_
  // when this transaction added it, else queued for FTS5.
  void remove_text(std::int64_t sort_key, const std::string& text);

  SQLite::Database& db_;
  SQLite::Statement select_message_;
  SQLite::Statement select_parties_;
  SQLite::Statement select_attachments_;
  SQLite::Statement key_taken_;
  SQLite::Statement last_key_in_range_;
  SQLite::Statement insert_message_;
  SQLite::Statement update_message_;
  SQLite::Statement update_unindexed_;
  SQLite::Statement insert_party_;
  SQLite::Statement insert_attachment_;
  SQLite::Statement delete_parties_;
  SQLite::Statement delete_attachments_;
  SQLite::Statement fts_insert_;
  SQLite::Statement fts_delete_;
  // This transaction's full-text changes. FTS5 writes out a segment whenever
  // a row id is not above the previous one, and sort keys arrive in creation
  // time order, which is nearly random: one segment every two messages, each
  // merged again later. Written in key order at the end, a batch makes one
  // or two.
  std::map<std::int64_t, std::string> text_removes_;  // entries FTS5 holds
  std::map<std::int64_t, std::string> text_adds_;
};

}  // namespace rcvault::store::detail
