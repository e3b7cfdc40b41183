#include "reader_impl.hpp"

#include "rcvault/store/database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>

namespace rcvault::store {

std::optional<stored_message> reader::message(std::string_view id) {
  impl::snapshot snap(*impl_);
  auto rows = impl_->query_rows("SELECT " + detail::message_row_columns() + " FROM messages m WHERE m.rc_id = ?",
                                [&](SQLite::Statement& s) { s.bind(1, std::string(id)); });
  if (rows.empty()) return std::nullopt;
  impl_->load_children(rows.front());
  return to_public(std::move(rows.front()));
}

std::optional<std::vector<stored_event>> reader::message_events(std::string_view id) {
  impl::snapshot snap(*impl_);
  auto& s = impl_->stmt("SELECT id FROM messages WHERE rc_id = ?");
  s.bind(1, std::string(id));
  if (!s.executeStep()) return std::nullopt;
  s.reset();
  return impl_->events_where("e.message_id = (SELECT id FROM messages WHERE rc_id = ?)", id);
}

std::optional<stored_event> reader::event(std::string_view uuid) {
  impl::snapshot snap(*impl_);
  auto events = impl_->events_where("e.uuid = ?", uuid);
  if (events.empty()) return std::nullopt;
  return std::move(events.front());
}

std::vector<conversation_summary> reader::conversations(std::optional<std::int64_t> before_key, std::size_t limit) {
  impl::snapshot snap(*impl_);
  // The conversations table (migration 0007, kept by triggers) holds each
  // conversation's newest sort key: its index walked downwards from the
  // cursor lists conversations in order, and each newest message is one
  // probe of messages_sort_key. Counting and loading happen only for the
  // conversations returned.
  auto newest = impl_->query_rows(
      "SELECT " + detail::message_row_columns() +
          " FROM conversations c CROSS JOIN messages m ON m.sort_key = c.last_key WHERE c.last_key < :before "
          "ORDER BY c.last_key DESC LIMIT :limit",
      [&](SQLite::Statement& s) {
        s.bind(":before", before_key.value_or(std::numeric_limits<std::int64_t>::max()));
        s.bind(":limit", static_cast<std::int64_t>(limit));
      });
  std::vector<conversation_summary> out;
  out.reserve(newest.size());
  for (auto& row : newest) {
    const std::string& conv = *row.msg.conversation_id;
    auto& s = impl_->stmt("SELECT count(*) FROM messages WHERE conversation_id = ?");
    s.bind(1, conv);
    s.executeStep();
    const std::int64_t count = s.getColumn(0).getInt64();
    s.reset();
    impl_->load_children(row);
    conversation_summary c;
    c.conversation_id = conv;
    c.message_count = count;
    c.last_message = to_public(std::move(row));
    auto note = [&](const core::party& p) {
      std::optional<std::string> v = p.phone_number ? p.phone_number : p.extension_number ? p.extension_number : p.name;
      if (v && std::find(c.participants.begin(), c.participants.end(), *v) == c.participants.end())
        c.participants.push_back(*v);
    };
    const auto& m = c.last_message.msg;
    if (m.from) note(*m.from);
    if (m.to)
      for (const auto& p : *m.to) note(p);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<rejected_row> reader::rejected(std::optional<std::int64_t> before_row, std::size_t limit) {
  impl::snapshot snap(*impl_);
  auto& s = impl_->stmt(
      "SELECT id, received_at, code, message, size, head FROM rejected WHERE id < ? ORDER BY id DESC LIMIT ?");
  s.bind(1, before_row.value_or(std::numeric_limits<std::int64_t>::max()));
  s.bind(2, static_cast<std::int64_t>(limit));
  std::vector<rejected_row> out;
  while (s.executeStep()) {
    rejected_row r;
    r.row_id = s.getColumn(0).getInt64();
    r.received_at = s.getColumn(1).getInt64();
    r.code = s.getColumn(2).getString();
    r.message = s.getColumn(3).getString();
    r.size = s.getColumn(4).getInt64();
    const auto head = s.getColumn(5);
    r.head.assign(static_cast<const char*>(head.getBlob()), static_cast<std::size_t>(head.getBytes()));
    out.push_back(std::move(r));
  }
  return out;
}

store_stats reader::stats() {
  impl::snapshot snap(*impl_);
  store_stats st;
  {
    auto& s = impl_->stmt("SELECT name, value FROM counters");
    while (s.executeStep()) st.counters[s.getColumn(0).getString()] = s.getColumn(1).getInt64();
  }
  {
    // The dead-letter table is capped, so counting it stays cheap.
    auto& s = impl_->stmt("SELECT count(*) FROM rejected");
    s.executeStep();
    st.rejected = s.getColumn(0).getInt64();
  }
  // Sort keys follow creation time, so both ends are one index step each.
  auto first_time = [&](const std::string& sql) -> std::optional<core::millis> {
    auto& s = impl_->stmt(sql);
    if (!s.executeStep()) return std::nullopt;
    return s.getColumn(0).getInt64();
  };
  st.oldest_message =
      first_time("SELECT creation_time FROM messages WHERE creation_time IS NOT NULL ORDER BY sort_key ASC LIMIT 1");
  st.newest_message =
      first_time("SELECT creation_time FROM messages WHERE creation_time IS NOT NULL ORDER BY sort_key DESC LIMIT 1");
  return st;
}

bool reader::ready() {
  try {
    SQLite::Database rw(impl_->opts.path.string(), SQLite::OPEN_READWRITE);
    if (sqlite3_db_readonly(rw.getHandle(), "main") != 0) return false;
    return schema_current(impl_->opts);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace rcvault::store
