#include "retention.hpp"

#include "message_rows.hpp"
#include "statement_guard.hpp"

#include <vector>

namespace rcvault::store::detail {
namespace {

}  // namespace

retention::retention(SQLite::Database& db)
    : removal_(db),
      old_messages_(db, "SELECT id FROM messages WHERE sort_key < ?1 ORDER BY sort_key LIMIT ?2"),
      // Events arrive in id order, so received_at grows with the id: the walk
      // stops at the first event newer than the cutoff.
      events_from_(db, "SELECT id, message_id, received_at FROM events WHERE id > ?1 ORDER BY id LIMIT ?2"),
      delete_rejected_(db,
                       "DELETE FROM rejected WHERE id IN "
                       "(SELECT id FROM rejected WHERE received_at < ?1 ORDER BY id LIMIT ?2)") {}

retention_result retention::step(core::millis cutoff, std::int64_t most, const count_fn& count) {
  retention_result out;
  std::vector<std::int64_t> rows;
  {
    reset_guard g{old_messages_};
    old_messages_.bind(1, static_cast<std::int64_t>(cutoff * keys_per_ms));
    old_messages_.bind(2, static_cast<std::int64_t>(most));
    while (old_messages_.executeStep()) rows.push_back(old_messages_.getColumn(0).getInt64());
  }
  out.messages = removal_.remove_messages(rows, count);
  out.more = static_cast<std::int64_t>(rows.size()) == most;

  std::vector<std::int64_t> orphans;
  bool events_done = false;
  {
    reset_guard g{events_from_};
    events_from_.bind(1, static_cast<std::int64_t>(event_cursor_));
    events_from_.bind(2, static_cast<std::int64_t>(most * 4));
    int walked = 0;
    events_done = true;
    while (events_from_.executeStep()) {
      ++walked;
      if (events_from_.getColumn(2).getInt64() >= cutoff) break;
      event_cursor_ = events_from_.getColumn(0).getInt64();
      if (events_from_.getColumn(1).isNull()) orphans.push_back(event_cursor_);
    }
    if (walked == most * 4) events_done = false;
  }
  out.unnormalised_events = removal_.remove_events(orphans, count);
  out.more = out.more || !events_done;

  {
    reset_guard g{delete_rejected_};
    delete_rejected_.bind(1, static_cast<std::int64_t>(cutoff));
    delete_rejected_.bind(2, static_cast<std::int64_t>(most));
    out.rejected = delete_rejected_.exec();
    out.more = out.more || out.rejected == most;
  }

  if (out.messages.messages) count("retention.messages", out.messages.messages);
  if (const auto events = out.messages.events + out.unnormalised_events) count("retention.events", events);
  if (out.rejected) count("retention.rejected", out.rejected);
  return out;
}

}  // namespace rcvault::store::detail
