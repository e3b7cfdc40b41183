#pragma once
// The read connection behind store::reader and what its queries share: the
// statement cache, the per-call snapshot, loading a message's child rows.
// The queries themselves: reader.cpp (message listings) and
// reader_lookups.cpp (one message, events, conversations, dead letters, stats).

#include "rcvault/store/reader.hpp"

#include "raw_codec.hpp"
#include "record_columns.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rcvault::store {

struct reader::impl {
  options opts;
  SQLite::Database db;
  detail::raw_codec codec{db};  // decodes events.raw; keeps each dictionary it read
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache;

  // Opens the read-only connection. Throws std::runtime_error naming the file.
  explicit impl(const options& o);

  // The statement for `sql`, prepared once per distinct text and reused;
  // returned reset, with no bindings.
  SQLite::Statement& stmt(const std::string& sql);

  // One read transaction per public call, so a page and its parties come from
  // one consistent WAL snapshot; statements are reset before it ends.
  class snapshot {
   public:
    explicit snapshot(impl& i) : impl_(i), txn_(i.db) {}
    ~snapshot() { impl_.release(); }
    snapshot(const snapshot&) = delete;
    snapshot& operator=(const snapshot&) = delete;

   private:
    impl& impl_;
    SQLite::Transaction txn_;
  };

  // Resets every cached statement so none keeps the read snapshot (and with
  // it the WAL) pinned after a call returns.
  void release() noexcept;

  // Fills the parties and attachments that `r` carries from their rows,
  // with each attachment's archive (load_archive).
  void load_children(detail::stored_message& r);

  // Sets the archive of each attachment of `r` from its attachment_archive
  // row and appends the stored ones the current version no longer lists
  // (defined in reader_archive.cpp). One look-up by the table's primary key.
  void load_archive(detail::stored_message& r);

  // The value of counter `name`, 0 when it has no row.
  std::int64_t counter(const std::string& name);

  // The sort keys [lo, hi) that q's dates and cursor leave to walk.
  struct key_window {
    std::int64_t lo;
    std::int64_t hi;
  };
  static key_window window_of(const message_query& q);

  // With both a number and words, what drives messages(): the number's
  // parties (probing the FTS index per row), the full-text index (probing
  // the parties), or the merge of both walks (defined in reader.cpp).
  enum class number_text_plan { phone, text, merge };
  number_text_plan plan_number_text(const message_query& q, const std::string& match);

  // With both a number and words, neither rare against the other: walks the
  // number's parties_digits ranges (one per key of q.phone_keys) and the FTS
  // matches of `match` side by side in q.order within window_of(q), and for
  // each sort key both hold runs `probe_sql` (one message by :key, with the
  // other filters, bound by `bind`). Returns up to q.limit rows without
  // children, in q.order: what the plain plan returns (reader_merge.cpp).
  std::vector<detail::stored_message> merged_walk(const message_query& q, const std::string& match,
                                                  const std::string& probe_sql,
                                                  const std::function<void(SQLite::Statement&)>& bind);

  // Runs `sql` (selecting detail::message_row_columns()) with `bind` and
  // returns its rows without children.
  template <class Bind>
  std::vector<detail::stored_message> query_rows(const std::string& sql, Bind&& bind) {
    auto& s = stmt(sql);
    bind(s);
    std::vector<detail::stored_message> rows;
    while (s.executeStep()) rows.push_back(detail::read_message_row(s));
    return rows;
  }

  // The events matching `where` (one parameter, bound to `key`), oldest first.
  std::vector<stored_event> events_where(const std::string& where, std::string_view key);
};

// The public form of a message read with its children.
inline stored_message to_public(detail::stored_message&& r) { return {r.sort_key, std::move(r.msg)}; }

}  // namespace rcvault::store
