#include "message_rows.hpp"

#include "rcvault/core/phone.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace rcvault::store::detail {
namespace {

// Every column but the row id, which an insert leaves to SQLite (the next one:
// arrival order) and an update keeps.
constexpr const char* message_columns =
    "rc_id, owner_id, type, direction, subject, read_status, message_status, priority, availability, "
    "conversation_id, creation_time, last_modified_time, sms_delivery_time, sms_sending_attempts_count, "
    "delivery_error_code, segment_count, fax_page_count, fax_resolution, vm_transcription_status, "
    "pg_to_department, uri, has_from, has_to, has_attachments, extra, version_time, version_sent, version_uuid, sort_key";
constexpr int message_column_count = 29;

std::string placeholders(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) s += (i > 1 ? ",?" : "?") + std::to_string(i);
  return s;
}

// The columns some index of messages holds: an UPDATE that assigns one of
// them rewrites that index's entry, even to the same value.
bool indexed_column(const std::string& name) {
  return name == "rc_id" || name == "sort_key" || name == "conversation_id" || name == "owner_id";
}

// UPDATE of every column (`with_indexed`) or of the unindexed ones only. Each
// column keeps its parameter number from message_columns, so bind_message
// binds either statement; the row id is the parameter after them.
std::string update_sql(bool with_indexed) {
  std::string cols = message_columns;
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
void bind_opt(SQLite::Statement& s, int i, const std::optional<std::int64_t>& v) {
  if (v) s.bind(i, static_cast<std::int64_t>(*v));
  else s.bind(i);
}
void bind_opt(SQLite::Statement& s, int i, const std::optional<bool>& v) {
  if (v) s.bind(i, *v ? 1 : 0);
  else s.bind(i);
}
void bind_extra(SQLite::Statement& s, int i, const boost::json::object& extra) {
  if (extra.empty()) s.bind(i);
  else s.bind(i, boost::json::serialize(extra));
}

boost::json::object extra(const SQLite::Column& c) {
  if (c.isNull()) return {};
  auto v = boost::json::parse(c.getString());
  if (auto* o = v.if_object()) return std::move(*o);
  return {};
}

// Resets a statement when leaving scope, so no finished or abandoned read
// keeps its snapshot (which would stall WAL checkpoints).
struct reset_guard {
  SQLite::Statement& s;
  ~reset_guard() { s.tryReset(); }
};

}  // namespace

std::optional<std::string> column_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

std::optional<std::int64_t> column_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

std::optional<bool> column_bool(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64() != 0;
}

message_rows::message_rows(SQLite::Database& db)
    : db_(db),
      select_message_(db, std::string("SELECT id, ") + message_columns + " FROM messages WHERE rc_id=?1"),
      select_parties_(db,
                      "SELECT position, phone_number, extension_number, extension_id, name, location, target, "
                      "message_status, fax_error_code, recipient_id, extra FROM parties WHERE message_id=?1 "
                      "ORDER BY position"),
      select_attachments_(db,
                          "SELECT id, uri, type, content_type, size, vm_duration, file_name, height, width, extra "
                          "FROM attachments WHERE message_id=?1 ORDER BY position"),
      key_taken_(db, "SELECT 1 FROM messages WHERE sort_key=?1"),
      last_key_in_range_(db, "SELECT max(sort_key) FROM messages WHERE sort_key >= ?1 AND sort_key < ?2"),
      insert_message_(db, std::string("INSERT INTO messages(") + message_columns + ") VALUES(" +
                              placeholders(message_column_count) + ")"),
      update_message_(db, update_sql(true)),
      update_unindexed_(db, update_sql(false)),
      insert_party_(db,
                    "INSERT INTO parties(message_id, position, phone_number, digits, extension_number, "
                    "extension_id, name, location, target, message_status, fax_error_code, recipient_id, extra, "
                    "sort_key) VALUES(" + placeholders(14) + ")"),
      insert_attachment_(db,
                         "INSERT INTO attachments(message_id, position, id, uri, type, content_type, size, "
                         "vm_duration, file_name, height, width, extra) VALUES(" + placeholders(12) + ")"),
      delete_parties_(db, "DELETE FROM parties WHERE message_id=?1"),
      delete_attachments_(db, "DELETE FROM attachments WHERE message_id=?1"),
      fts_insert_(db, "INSERT INTO messages_fts(rowid, subject) VALUES(?1, ?2)"),
      fts_delete_(db, "INSERT INTO messages_fts(messages_fts, rowid, subject) VALUES('delete', ?1, ?2)") {}

std::optional<stored_message> message_rows::load(const std::string& rc_id) {
  reset_guard g{select_message_};
  select_message_.tryReset();
  select_message_.bind(1, rc_id);
  if (!select_message_.executeStep()) return std::nullopt;
  const auto& q = select_message_;
  stored_message out;
  out.row_id = q.getColumn(0).getInt64();
  auto& m = out.msg;
  m.id = q.getColumn(1).getString();
  m.owner_id = column_text(q.getColumn(2));
  m.type = column_text(q.getColumn(3));
  m.direction = column_text(q.getColumn(4));
  m.subject = column_text(q.getColumn(5));
  m.read_status = column_text(q.getColumn(6));
  m.message_status = column_text(q.getColumn(7));
  m.priority = column_text(q.getColumn(8));
  m.availability = column_text(q.getColumn(9));
  m.conversation_id = column_text(q.getColumn(10));
  m.creation_time = column_int(q.getColumn(11));
  m.last_modified_time = column_int(q.getColumn(12));
  m.sms_delivery_time = column_int(q.getColumn(13));
  m.sms_sending_attempts_count = column_int(q.getColumn(14));
  m.delivery_error_code = column_text(q.getColumn(15));
  m.segment_count = column_int(q.getColumn(16));
  m.fax_page_count = column_int(q.getColumn(17));
  m.fax_resolution = column_text(q.getColumn(18));
  m.vm_transcription_status = column_text(q.getColumn(19));
  m.pg_to_department = column_bool(q.getColumn(20));
  m.uri = column_text(q.getColumn(21));
  const bool has_from = q.getColumn(22).getInt() != 0;
  const bool has_to = q.getColumn(23).getInt() != 0;
  const bool has_attachments = q.getColumn(24).getInt() != 0;
  m.extra = extra(q.getColumn(25));
  out.version.time = q.getColumn(26).getInt64();
  out.version.sent = q.getColumn(27).getInt64();
  out.version.uuid = q.getColumn(28).getString();
  out.sort_key = q.getColumn(29).getInt64();

  if (has_to) m.to.emplace();
  {
    reset_guard gp{select_parties_};
    select_parties_.tryReset();
    select_parties_.bind(1, static_cast<std::int64_t>(out.row_id));
    while (select_parties_.executeStep()) {
      const auto& p = select_parties_;
      core::party party;
      party.phone_number = column_text(p.getColumn(1));
      party.extension_number = column_text(p.getColumn(2));
      party.extension_id = column_text(p.getColumn(3));
      party.name = column_text(p.getColumn(4));
      party.location = column_text(p.getColumn(5));
      party.target = column_bool(p.getColumn(6));
      party.message_status = column_text(p.getColumn(7));
      party.fax_error_code = column_text(p.getColumn(8));
      party.recipient_id = column_text(p.getColumn(9));
      party.extra = extra(p.getColumn(10));
      if (p.getColumn(0).getInt() == 0) {
        if (has_from) m.from = std::move(party);
      } else if (has_to) {
        m.to->push_back(std::move(party));
      }
    }
  }
  if (has_attachments) {
    m.attachments.emplace();
    reset_guard ga{select_attachments_};
    select_attachments_.tryReset();
    select_attachments_.bind(1, static_cast<std::int64_t>(out.row_id));
    while (select_attachments_.executeStep()) {
      const auto& a = select_attachments_;
      core::attachment att;
      att.id = a.getColumn(0).getString();
      att.uri = column_text(a.getColumn(1));
      att.type = column_text(a.getColumn(2));
      att.content_type = column_text(a.getColumn(3));
      att.size = column_int(a.getColumn(4));
      att.vm_duration = column_int(a.getColumn(5));
      att.file_name = column_text(a.getColumn(6));
      att.height = column_int(a.getColumn(7));
      att.width = column_int(a.getColumn(8));
      att.extra = extra(a.getColumn(9));
      m.attachments->push_back(std::move(att));
    }
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
  s.bind(1, m.id);
  bind_opt(s, 2, m.owner_id);
  bind_opt(s, 3, m.type);
  bind_opt(s, 4, m.direction);
  bind_opt(s, 5, m.subject);
  bind_opt(s, 6, m.read_status);
  bind_opt(s, 7, m.message_status);
  bind_opt(s, 8, m.priority);
  bind_opt(s, 9, m.availability);
  bind_opt(s, 10, m.conversation_id);
  bind_opt(s, 11, m.creation_time);
  bind_opt(s, 12, m.last_modified_time);
  bind_opt(s, 13, m.sms_delivery_time);
  bind_opt(s, 14, m.sms_sending_attempts_count);
  bind_opt(s, 15, m.delivery_error_code);
  bind_opt(s, 16, m.segment_count);
  bind_opt(s, 17, m.fax_page_count);
  bind_opt(s, 18, m.fax_resolution);
  bind_opt(s, 19, m.vm_transcription_status);
  bind_opt(s, 20, m.pg_to_department);
  bind_opt(s, 21, m.uri);
  s.bind(22, m.from ? 1 : 0);
  s.bind(23, m.to ? 1 : 0);
  s.bind(24, m.attachments ? 1 : 0);
  bind_extra(s, 25, m.extra);
  s.bind(26, static_cast<std::int64_t>(v.time));
  s.bind(27, static_cast<std::int64_t>(v.sent));
  s.bind(28, v.uuid);
  s.bind(29, static_cast<std::int64_t>(sort_key));
}

void message_rows::insert_children(std::int64_t row_id, std::int64_t sort_key, const core::message& m) {
  auto put_party = [&](int position, const core::party& p) {
    auto& s = insert_party_;
    s.tryReset();
    s.bind(1, static_cast<std::int64_t>(row_id));
    s.bind(2, position);
    bind_opt(s, 3, p.phone_number);
    std::optional<std::string> digits;
    if (p.phone_number) {
      auto d = core::phone_digits(*p.phone_number);
      if (!d.empty()) digits = std::move(d);
    }
    bind_opt(s, 4, digits);
    bind_opt(s, 5, p.extension_number);
    bind_opt(s, 6, p.extension_id);
    bind_opt(s, 7, p.name);
    bind_opt(s, 8, p.location);
    bind_opt(s, 9, p.target);
    bind_opt(s, 10, p.message_status);
    bind_opt(s, 11, p.fax_error_code);
    bind_opt(s, 12, p.recipient_id);
    bind_extra(s, 13, p.extra);
    s.bind(14, static_cast<std::int64_t>(sort_key));
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
      s.bind(3, a.id);
      bind_opt(s, 4, a.uri);
      bind_opt(s, 5, a.type);
      bind_opt(s, 6, a.content_type);
      bind_opt(s, 7, a.size);
      bind_opt(s, 8, a.vm_duration);
      bind_opt(s, 9, a.file_name);
      bind_opt(s, 10, a.height);
      bind_opt(s, 11, a.width);
      bind_extra(s, 12, a.extra);
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
