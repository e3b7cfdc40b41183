#include "message_rows.hpp"

#include "statement_guard.hpp"
#include "rcvault/core/phone.hpp"

#include <string>

namespace rcvault::store::detail {
namespace {

// Every column but the row id, which an insert leaves to SQLite (the next one:
// arrival order) and an update keeps: the table's, then the store's own.
const std::string& message_columns() {
  static const std::string columns =
      column_list(core::message_fields) + ", extra, version_time, version_sent, version_uuid, sort_key";
  return columns;
}
constexpr int message_column_count = static_cast<int>(core::message_fields.size()) + 5;
// message_id, position, the table's, extra, digits, sort_key
constexpr int party_column_count = static_cast<int>(core::party_fields.size()) + 5;
// message_id, position, the table's, extra
constexpr int attachment_column_count = static_cast<int>(core::attachment_fields.size()) + 3;

std::string placeholders(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) s += (i > 1 ? ",?" : "?") + std::to_string(i);
  return s;
}

// The columns some index of messages holds: an UPDATE that assigns one of
// them rewrites that index's entry, even to the same value. The enum
// columns of the partial indexes of 0007 (message_status, availability, ...)
// are left out on purpose: the status-only update must assign them, and
// SQLite touches those indexes only for rows whose old or new value is rare.
bool indexed_column(const std::string& name) {
  return name == "rc_id" || name == "sort_key" || name == "conversation_id" || name == "owner_id";
}

// UPDATE of every column (`with_indexed`) or of the unindexed ones only. Each
// column keeps its parameter number from message_columns, so bind_message
// binds either statement; the row id is the parameter after them.
std::string update_sql(bool with_indexed) {
  const std::string& cols = message_columns();
  std::string set;
  int index = 1;
  std::size_t start = 0;
  while (start < cols.size()) {
    auto end = cols.find(',', start);
    if (end == std::string::npos) end = cols.size();
    auto name = cols.substr(start, end - start);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (with_indexed || !indexed_column(name)) {
      if (!set.empty()) set += ", ";
      set += name + "=?" + std::to_string(index);
    }
    ++index;
    start = end + 1;
  }
  return "UPDATE messages SET " + set + " WHERE id=?" + std::to_string(index);
}

void bind_opt(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i);
}

// Resets a statement when leaving scope, so no finished or abandoned read
// keeps its snapshot (which would stall WAL checkpoints).
}  // namespace

message_rows::message_rows(SQLite::Database& db)
    : db_(db),
      select_message_(db, "SELECT " + message_row_columns() + " FROM messages m WHERE m.rc_id=?1"),
      select_parties_(db, "SELECT " + party_row_columns() + " FROM parties WHERE message_id=?1 ORDER BY position"),
      select_attachments_(db, "SELECT " + attachment_row_columns() +
                                  " FROM attachments WHERE message_id=?1 ORDER BY position"),
      key_taken_(db, "SELECT 1 FROM messages WHERE sort_key=?1"),
      last_key_in_range_(db, "SELECT max(sort_key) FROM messages WHERE sort_key >= ?1 AND sort_key < ?2"),
      insert_message_(db, "INSERT INTO messages(" + message_columns() + ") VALUES(" +
                              placeholders(message_column_count) + ")"),
      update_message_(db, update_sql(true)),
      update_unindexed_(db, update_sql(false)),
      insert_party_(db,
                    "INSERT INTO parties(message_id, position, " + column_list(core::party_fields) +
                        ", extra, digits, sort_key) VALUES(" + placeholders(party_column_count) + ")"),
      insert_attachment_(db,
                         "INSERT INTO attachments(message_id, position, " + column_list(core::attachment_fields) +
                             ", extra) VALUES(" + placeholders(attachment_column_count) + ")"),
      delete_parties_(db, "DELETE FROM parties WHERE message_id=?1"),
      delete_attachments_(db, "DELETE FROM attachments WHERE message_id=?1"),
      fts_insert_(db, "INSERT INTO messages_fts(rowid, subject) VALUES(?1, ?2)"),
      fts_delete_(db, "INSERT INTO messages_fts(messages_fts, rowid, subject) VALUES('delete', ?1, ?2)") {}

std::optional<stored_message> message_rows::load(const std::string& rc_id) {
  reset_guard g{select_message_};
  select_message_.tryReset();
  select_message_.bind(1, rc_id);
  if (!select_message_.executeStep()) return std::nullopt;
  stored_message out = read_message_row(select_message_);
  auto& m = out.msg;
  if (m.from || m.to) {
    reset_guard gp{select_parties_};
    select_parties_.tryReset();
    select_parties_.bind(1, static_cast<std::int64_t>(out.row_id));
    while (select_parties_.executeStep()) read_party_row(select_parties_, m);
  }
  if (m.attachments) {
    reset_guard ga{select_attachments_};
    select_attachments_.tryReset();
    select_attachments_.bind(1, static_cast<std::int64_t>(out.row_id));
    while (select_attachments_.executeStep()) read_attachment_row(select_attachments_, m);
  }
  return out;
}

std::int64_t message_rows::place(core::millis base, std::optional<std::int64_t> current) {
  const std::int64_t first = base * keys_per_ms;
  const std::int64_t end = first + keys_per_ms;
  if (current && *current >= first && *current < end) return *current;
  // One descent: the key after the last taken one in the range. Messages
  // sharing a creation time are common (RingCentral gives whole seconds in
  // places), and probing ids one by one cost a lookup per earlier message.
  {
    reset_guard g{last_key_in_range_};
    last_key_in_range_.tryReset();
    last_key_in_range_.bind(1, static_cast<std::int64_t>(first));
    last_key_in_range_.bind(2, static_cast<std::int64_t>(end));
    if (!last_key_in_range_.executeStep() || last_key_in_range_.getColumn(0).isNull()) return first;
    const std::int64_t last = last_key_in_range_.getColumn(0).getInt64();
    if (last + 1 < end) return last + 1;
  }
  // The range's top key is taken: the first free one from its start (keys
  // freed when a message moved to another creation time; past the range only
  // when 1024 messages share the millisecond).
  reset_guard g{key_taken_};
  for (std::int64_t key = first;; ++key) {
    key_taken_.tryReset();
    key_taken_.bind(1, static_cast<std::int64_t>(key));
    if (!key_taken_.executeStep()) return key;
  }
}

void message_rows::bind_message(SQLite::Statement& s, std::int64_t sort_key, const core::message& m,
                                const core::version_key& v) {
  s.tryReset();
  int i = bind_fields(s, 1, m, core::message_fields);
  bind_extra(s, i++, m.extra);
  s.bind(i++, static_cast<std::int64_t>(v.time));
  s.bind(i++, static_cast<std::int64_t>(v.sent));
  s.bind(i++, v.uuid);
  s.bind(i, static_cast<std::int64_t>(sort_key));
}

void message_rows::insert_children(std::int64_t row_id, std::int64_t sort_key, const core::message& m) {
  auto put_party = [&](int position, const core::party& p) {
    auto& s = insert_party_;
    s.tryReset();
    s.bind(1, static_cast<std::int64_t>(row_id));
    s.bind(2, position);
    int i = bind_fields(s, 3, p, core::party_fields);
    bind_extra(s, i++, p.extra);
    std::optional<std::string> digits;
    if (p.phone_number) {
      auto d = core::phone_digits(*p.phone_number);
      if (!d.empty()) digits = std::move(d);
    }
    bind_opt(s, i++, digits);
    s.bind(i, static_cast<std::int64_t>(sort_key));
    s.exec();
  };
  if (m.from) put_party(0, *m.from);
  if (m.to)
    for (std::size_t i = 0; i < m.to->size(); ++i) put_party(static_cast<int>(i + 1), (*m.to)[i]);
  if (m.attachments) {
    for (std::size_t i = 0; i < m.attachments->size(); ++i) {
      const auto& a = (*m.attachments)[i];
      auto& s = insert_attachment_;
      s.tryReset();
      s.bind(1, static_cast<std::int64_t>(row_id));
      s.bind(2, static_cast<int>(i));
      bind_extra(s, bind_fields(s, 3, a, core::attachment_fields), a.extra);
      s.exec();
    }
  }
}

std::int64_t message_rows::insert(std::int64_t sort_key, const core::message& m, const core::version_key& v) {
  bind_message(insert_message_, sort_key, m, v);
  insert_message_.exec();
  const std::int64_t row_id = db_.getLastInsertRowid();
  insert_children(row_id, sort_key, m);
  if (m.subject) text_adds_[sort_key] = *m.subject;
  return row_id;
}

void message_rows::rewrite(const stored_message& old, std::int64_t sort_key, const core::message& m,
                           const core::version_key& v) {
  // The full-text entry is keyed by sort key: it moves when the key or the text changes.
  const bool same_entry = sort_key == old.sort_key && m.subject == old.msg.subject;
  if (!same_entry && old.msg.subject) remove_text(old.sort_key, *old.msg.subject);
  // Most newer versions change a status and nothing else: the parties and
  // attachments (and their number-index entries) are rewritten only when
  // they or the sort key changed, and the message's index entries only when
  // an indexed column did.
  const bool same_children = sort_key == old.sort_key && m.from == old.msg.from && m.to == old.msg.to &&
                             m.attachments == old.msg.attachments;
  if (!same_children) {
    for (auto* s : {&delete_parties_, &delete_attachments_}) {
      s->tryReset();
      s->bind(1, static_cast<std::int64_t>(old.row_id));
      s->exec();
    }
  }
  const bool same_indexed = sort_key == old.sort_key && m.id == old.msg.id &&
                            m.conversation_id == old.msg.conversation_id && m.owner_id == old.msg.owner_id;
  auto& update = same_indexed ? update_unindexed_ : update_message_;
  bind_message(update, sort_key, m, v);
  update.bind(message_column_count + 1, static_cast<std::int64_t>(old.row_id));
  update.exec();
  if (!same_children) insert_children(old.row_id, sort_key, m);
  if (!same_entry && m.subject) text_adds_[sort_key] = *m.subject;
}

void message_rows::remove_text(std::int64_t sort_key, const std::string& text) {
  if (text_adds_.erase(sort_key) == 0) text_removes_[sort_key] = text;
}

void message_rows::flush_text() {
  // Removals first: a rewrite that keeps its key but changes its text
  // removes the old entry and adds the new one under the same key.
  for (const auto& [key, text] : text_removes_) index_text(fts_delete_, key, text);
  for (const auto& [key, text] : text_adds_) index_text(fts_insert_, key, text);
  discard_text();
}

void message_rows::discard_text() {
  text_removes_.clear();
  text_adds_.clear();
}

void message_rows::index_text(SQLite::Statement& s, std::int64_t sort_key, const std::string& text) {
  s.tryReset();
  s.bind(1, static_cast<std::int64_t>(sort_key));
  s.bind(2, text);
  s.exec();
}

}  // namespace rcvault::store::detail
