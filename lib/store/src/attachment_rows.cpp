#include "attachment_rows.hpp"

#include "record_columns.hpp"
#include "statement_guard.hpp"

#include <set>

namespace rcvault::store::detail {
namespace {

void bind_opt(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i);
}

void bind_key(SQLite::Statement& s, std::int64_t message_row, const std::string& attachment_id) {
  s.tryReset();
  s.bind(1, static_cast<std::int64_t>(message_row));
  s.bind(2, attachment_id);
}

bool is_final(archive_state s) { return s != archive_state::pending && s != archive_state::failed; }

}  // namespace

std::string archive_counter(archive_state s) { return "attachments." + std::string(to_string(s)); }

archive_state initial_state(const core::message& m, const core::attachment& a) {
  if (!a.uri || a.uri->empty()) return archive_state::skipped;
  // The Text of an SMS or Pager message is the message's own text (kept in subject).
  if (a.type == "Text" && (m.type == "SMS" || m.type == "Pager")) return archive_state::skipped;
  return archive_state::pending;
}

archive_rows::archive_rows(SQLite::Database& db)
    : insert_(db,
              "INSERT INTO attachment_archive(message_id, attachment_id, uri, type, content_type, state, updated_at) "
              "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(message_id, attachment_id) DO NOTHING"),
      select_(db,
              "SELECT state, uri, type, content_type FROM attachment_archive WHERE message_id=?1 AND attachment_id=?2"),
      update_source_(db,
                     "UPDATE attachment_archive SET uri=?3, type=?4, content_type=?5, state=?6, updated_at=?7 "
                     "WHERE message_id=?1 AND attachment_id=?2"),
      select_state_(db, "SELECT state FROM attachment_archive WHERE message_id=?1 AND attachment_id=?2"),
      apply_(db,
             "UPDATE attachment_archive SET state=?3, sha256=?4, bytes=?5, stored_type=?6, reason=?7, retry_at=?8, "
             "attempts=attempts+1, updated_at=?9 WHERE message_id=?1 AND attachment_id=?2") {}

bool archive_rows::insert(std::int64_t message_row, const core::attachment& a, archive_state s, core::millis now) {
  reset_guard g{insert_};
  bind_key(insert_, message_row, a.id);
  // A skipped row is never downloaded: its uri would only take space.
  if (s == archive_state::skipped) insert_.bind(3);
  else bind_opt(insert_, 3, a.uri);
  bind_opt(insert_, 4, a.type);
  bind_opt(insert_, 5, a.content_type);
  insert_.bind(6, std::string(to_string(s)));
  insert_.bind(7, static_cast<std::int64_t>(now));
  return insert_.exec() == 1;
}

void archive_rows::add(std::int64_t message_row, const core::message& m, core::millis now, const count_fn& count) {
  if (!m.attachments) return;
  for (const auto& a : *m.attachments) {
    const auto s = initial_state(m, a);
    if (insert(message_row, a, s, now)) count(archive_counter(s), 1);
  }
}

void archive_rows::update(std::int64_t message_row, const core::message& m, core::millis now,
                          const count_fn& count) {
  if (!m.attachments) return;
  std::set<std::string> seen;
  for (const auto& a : *m.attachments) {
    if (!seen.insert(a.id).second) continue;  // a repeated id: its first entry made the row
    const auto wanted = initial_state(m, a);
    std::optional<archive_state> old;
    std::optional<std::string> uri, type, content_type;
    {
      reset_guard g{select_};
      bind_key(select_, message_row, a.id);
      if (select_.executeStep()) {
        old = archive_state_from_string(select_.getColumn(0).getString()).value_or(archive_state::pending);
        uri = column_text(select_.getColumn(1));
        type = column_text(select_.getColumn(2));
        content_type = column_text(select_.getColumn(3));
      }
    }
    if (!old) {
      if (insert(message_row, a, wanted, now)) count(archive_counter(wanted), 1);
      continue;
    }
    // Never tried yet, a row follows what the message now says (its type
    // may have come with another version); once tried, it keeps its state.
    const bool untried = *old == archive_state::skipped || *old == archive_state::pending;
    const auto state = untried ? wanted : *old;
    // A version without uri does not take away the one to download from.
    const auto new_uri = state == archive_state::skipped ? std::nullopt : a.uri ? a.uri : uri;
    if (state == *old && new_uri == uri && a.type == type && a.content_type == content_type) continue;
    reset_guard g{update_source_};
    bind_key(update_source_, message_row, a.id);
    bind_opt(update_source_, 3, new_uri);
    bind_opt(update_source_, 4, a.type);
    bind_opt(update_source_, 5, a.content_type);
    update_source_.bind(6, std::string(to_string(state)));
    update_source_.bind(7, static_cast<std::int64_t>(now));
    update_source_.exec();
    if (state != *old) {
      count(archive_counter(*old), -1);
      count(archive_counter(state), 1);
    }
  }
}

bool archive_rows::apply(const attachment_result& r, core::millis now, const count_fn& count) {
  if (r.state == archive_state::stored && (!r.sha256 || !r.bytes)) return false;
  archive_state old;
  {
    reset_guard g{select_state_};
    bind_key(select_state_, r.message_row, r.attachment_id);
    if (!select_state_.executeStep()) return false;
    const auto s = archive_state_from_string(select_state_.getColumn(0).getString());
    if (!s || is_final(*s)) return false;
    old = *s;
  }
  const bool stored = r.state == archive_state::stored;
  reset_guard g{apply_};
  bind_key(apply_, r.message_row, r.attachment_id);
  apply_.bind(3, std::string(to_string(r.state)));
  bind_opt(apply_, 4, stored ? r.sha256 : std::nullopt);
  if (stored) apply_.bind(5, static_cast<std::int64_t>(*r.bytes));
  else apply_.bind(5);
  bind_opt(apply_, 6, stored ? r.stored_type : std::nullopt);
  bind_opt(apply_, 7, stored ? std::nullopt : r.reason);
  apply_.bind(8, static_cast<std::int64_t>(r.retry_at));
  apply_.bind(9, static_cast<std::int64_t>(now));
  apply_.exec();
  count(archive_counter(old), -1);
  count(archive_counter(r.state), 1);
  if (stored) count(std::string(archive_bytes_counter), *r.bytes);
  return true;
}

archived_attachment read_archive_row(SQLite::Statement& q) {
  archived_attachment a;
  a.message_row = q.getColumn(0).getInt64();
  a.message_id = q.getColumn(1).getString();
  a.attachment_id = q.getColumn(2).getString();
  a.uri = column_text(q.getColumn(3));
  a.type = column_text(q.getColumn(4));
  a.content_type = column_text(q.getColumn(5));
  a.state = archive_state_from_string(q.getColumn(6).getString()).value_or(archive_state::pending);
  a.sha256 = column_text(q.getColumn(7));
  a.bytes = column_int(q.getColumn(8));
  a.stored_type = column_text(q.getColumn(9));
  a.reason = column_text(q.getColumn(10));
  a.attempts = q.getColumn(11).getInt64();
  a.retry_at = q.getColumn(12).getInt64();
  return a;
}

core::archive_info archive_info_of(archive_state s, std::optional<std::string> sha256,
                                   std::optional<std::int64_t> bytes) {
  core::archive_info info;
  info.status = std::string(to_string(s));
  if (s == archive_state::stored) {
    info.sha256 = std::move(sha256);
    info.size = bytes;
  }
  return info;
}

}  // namespace rcvault::store::detail
