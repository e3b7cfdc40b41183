#include "sync_rows.hpp"

#include "rcvault/core/time.hpp"

#include <charconv>
#include <chrono>

namespace rcvault::store {

std::string_view to_string(mailbox_state s) noexcept {
  switch (s) {
    case mailbox_state::idle: return "idle";
    case mailbox_state::syncing: return "syncing";
    case mailbox_state::backoff: return "backoff";
    case mailbox_state::forbidden: return "forbidden";
    case mailbox_state::gone: return "gone";
    case mailbox_state::failed: return "failed";
  }
  return "idle";
}

std::optional<mailbox_state> mailbox_state_from_string(std::string_view s) noexcept {
  for (auto m : {mailbox_state::idle, mailbox_state::syncing, mailbox_state::backoff, mailbox_state::forbidden,
                 mailbox_state::gone, mailbox_state::failed})
    if (to_string(m) == s) return m;
  return std::nullopt;
}

namespace detail {
namespace {

template <class T>
void bind_optional(SQLite::Statement& s, int i, const std::optional<T>& v) {
  if (v) s.bind(i, *v);
  else s.bind(i);
}

std::optional<std::string> text_or_null(SQLite::Statement& q, int i) {
  auto c = q.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

std::optional<core::millis> int_or_null(SQLite::Statement& q, int i) {
  auto c = q.getColumn(i);
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

}  // namespace

void apply_sync_checkpoint(SQLite::Database& db, const sync_checkpoint& cp) {
  SQLite::Statement s(db,
                      "INSERT INTO sync_mailboxes(extension_id, state, sync_token, full_token, full_date_from, "
                      "full_date_to, full_seen, last_full_sync_at, last_sync_at, records, error_code, error_message, "
                      "updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
                      "ON CONFLICT(extension_id) DO UPDATE SET state=excluded.state, sync_token=excluded.sync_token, "
                      "full_token=excluded.full_token, full_date_from=excluded.full_date_from, "
                      "full_date_to=excluded.full_date_to, full_seen=excluded.full_seen, "
                      "last_full_sync_at=excluded.last_full_sync_at, last_sync_at=excluded.last_sync_at, "
                      "records=excluded.records, error_code=excluded.error_code, "
                      "error_message=excluded.error_message, updated_at=excluded.updated_at");
  s.bind(1, cp.extension_id);
  s.bind(2, std::string(to_string(cp.state)));
  bind_optional(s, 3, cp.sync_token);
  if (cp.full) {
    s.bind(4, cp.full->first_token);
    s.bind(5, static_cast<std::int64_t>(cp.full->date_from));
    bind_optional(s, 6, cp.full->date_to);
    s.bind(7, encode_seen(cp.full->seen));
  } else {
    s.bind(4);
    s.bind(5);
    s.bind(6);
    s.bind(7);
  }
  bind_optional(s, 8, cp.last_full_sync);
  bind_optional(s, 9, cp.last_sync);
  s.bind(10, static_cast<std::int64_t>(cp.records));
  if (cp.error) {
    s.bind(11, cp.error->code);
    s.bind(12, cp.error->message);
  } else {
    s.bind(11);
    s.bind(12);
  }
  s.bind(13, static_cast<std::int64_t>(core::now_ms()));
  s.exec();
}

sync_checkpoint read_sync_row(SQLite::Statement& q) {
  sync_checkpoint cp;
  cp.extension_id = q.getColumn(0).getString();
  cp.state = mailbox_state_from_string(q.getColumn(1).getString()).value_or(mailbox_state::idle);
  cp.sync_token = text_or_null(q, 2);
  // A full sync is in progress exactly when its token column is set ("" before its first page).
  if (auto first = text_or_null(q, 3)) {
    full_sync_progress f;
    f.first_token = std::move(*first);
    f.date_from = int_or_null(q, 4).value_or(0);
    f.date_to = int_or_null(q, 5);
    f.seen = decode_seen(text_or_null(q, 6).value_or(""));
    cp.full = std::move(f);
  }
  cp.last_full_sync = int_or_null(q, 7);
  cp.last_sync = int_or_null(q, 8);
  cp.records = q.getColumn(9).getInt64();
  if (auto code = text_or_null(q, 10)) cp.error = sync_error{std::move(*code), text_or_null(q, 11).value_or("")};
  return cp;
}

std::string encode_seen(const std::vector<seen_record>& seen) {
  std::string out;
  for (const auto& r : seen) {
    if (!out.empty()) out += ' ';
    out += r.id;
    out += ':';
    out += std::to_string(r.creation_time);
  }
  return out;
}

std::vector<seen_record> decode_seen(std::string_view text) {
  std::vector<seen_record> out;
  while (!text.empty()) {
    auto sp = text.find(' ');
    std::string_view item = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    core::millis t = 0;
    auto tail = item.substr(colon + 1);
    auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), t);
    if (ec != std::errc{} || p != tail.data() + tail.size()) continue;
    out.push_back({std::string(item.substr(0, colon)), t});
  }
  return out;
}

}  // namespace detail
}  // namespace rcvault::store
