#include "message_removal.hpp"

#include "counter_names.hpp"
#include "statement_guard.hpp"
#include "rcvault/log/log.hpp"
#include "rcvault/store/attachment_archive.hpp"

#include <algorithm>
#include <system_error>
#include <utility>

namespace rcvault::store::detail {
namespace {

struct doomed {
  std::int64_t row = 0;
  std::int64_t sort_key = 0;
  std::optional<std::string> type, direction, subject;
};

}  // namespace

removed& removed::operator+=(const removed& o) {
  messages += o.messages;
  events += o.events;
  parties += o.parties;
  attachments += o.attachments;
  contents.insert(o.contents.begin(), o.contents.end());
  return *this;
}

message_removal::message_removal(SQLite::Database& db)
    : message_(db, "SELECT type, direction, subject, sort_key FROM messages WHERE id=?1"),
      event_outcomes_(db, "SELECT outcome, count(*) FROM events WHERE message_id=?1 GROUP BY outcome"),
      delete_events_(db, "DELETE FROM events WHERE message_id=?1"),
      count_parties_(db, "SELECT count(*) FROM parties WHERE message_id=?1"),
      count_attachments_(db, "SELECT count(*) FROM attachments WHERE message_id=?1"),
      archive_rows_(db, "SELECT state, sha256, bytes FROM attachment_archive WHERE message_id=?1"),
      fts_delete_(db, "INSERT INTO messages_fts(messages_fts, rowid, subject) VALUES('delete', ?1, ?2)"),
      delete_message_(db, "DELETE FROM messages WHERE id=?1"),
      event_outcome_(db, "SELECT outcome FROM events WHERE id=?1"),
      delete_event_(db, "DELETE FROM events WHERE id=?1") {}

removed message_removal::remove_messages(const std::vector<std::int64_t>& rows, const count_fn& count) {
  removed out;
  std::vector<doomed> found;
  for (auto row : rows) {
    reset_guard g{message_};
    message_.bind(1, static_cast<std::int64_t>(row));
    if (!message_.executeStep()) continue;
    doomed d;
    d.row = row;
    auto opt = [&](int i) -> std::optional<std::string> {
      if (message_.getColumn(i).isNull()) return std::nullopt;
      return message_.getColumn(i).getString();
    };
    d.type = opt(0);
    d.direction = opt(1);
    d.subject = opt(2);
    d.sort_key = message_.getColumn(3).getInt64();
    found.push_back(std::move(d));
  }
  // FTS5 writes its delete markers best in ascending row id (sort key) order.
  std::sort(found.begin(), found.end(), [](const doomed& a, const doomed& b) { return a.sort_key < b.sort_key; });
  for (const auto& d : found) {
    {
      reset_guard g{event_outcomes_};
      event_outcomes_.bind(1, static_cast<std::int64_t>(d.row));
      while (event_outcomes_.executeStep()) {
        const auto n = event_outcomes_.getColumn(1).getInt64();
        count("events." + event_outcomes_.getColumn(0).getString(), -n);
        count("events.total", -n);
        out.events += n;
      }
    }
    {
      reset_guard g{delete_events_};
      delete_events_.bind(1, static_cast<std::int64_t>(d.row));
      delete_events_.exec();
    }
    {
      reset_guard g{count_parties_};
      count_parties_.bind(1, static_cast<std::int64_t>(d.row));
      if (count_parties_.executeStep()) out.parties += count_parties_.getColumn(0).getInt64();
    }
    {
      reset_guard g{count_attachments_};
      count_attachments_.bind(1, static_cast<std::int64_t>(d.row));
      if (count_attachments_.executeStep()) out.attachments += count_attachments_.getColumn(0).getInt64();
    }
    {
      reset_guard g{archive_rows_};
      archive_rows_.bind(1, static_cast<std::int64_t>(d.row));
      while (archive_rows_.executeStep()) {
        const auto state = archive_rows_.getColumn(0).getString();
        count("attachments." + state, -1);
        if (state == "stored" && !archive_rows_.getColumn(1).isNull()) {
          out.contents.insert(archive_rows_.getColumn(1).getString());
          if (!archive_rows_.getColumn(2).isNull())
            count(std::string(archive_bytes_counter), -archive_rows_.getColumn(2).getInt64());
        }
      }
    }
    if (d.subject) {
      reset_guard g{fts_delete_};
      fts_delete_.bind(1, static_cast<std::int64_t>(d.sort_key));
      fts_delete_.bind(2, *d.subject);
      fts_delete_.exec();
    }
    {
      reset_guard g{delete_message_};
      delete_message_.bind(1, static_cast<std::int64_t>(d.row));
      delete_message_.exec();
    }
    count("messages.total", -1);
    if (d.type) count(type_counter(*d.type), -1);
    if (d.direction) count(direction_counter(*d.direction), -1);
    ++out.messages;
  }
  return out;
}

std::int64_t message_removal::remove_events(const std::vector<std::int64_t>& ids, const count_fn& count) {
  std::int64_t n = 0;
  for (auto id : ids) {
    std::string outcome;
    {
      reset_guard g{event_outcome_};
      event_outcome_.bind(1, static_cast<std::int64_t>(id));
      if (!event_outcome_.executeStep()) continue;
      outcome = event_outcome_.getColumn(0).getString();
    }
    reset_guard g{delete_event_};
    delete_event_.bind(1, static_cast<std::int64_t>(id));
    delete_event_.exec();
    count("events." + outcome, -1);
    count("events.total", -1);
    ++n;
  }
  return n;
}

std::int64_t delete_unused_contents(SQLite::Database& db, const std::filesystem::path& dir,
                                    const std::set<std::string>& contents) {
  if (contents.empty() || dir.empty()) return 0;
  SQLite::Statement used(db, "SELECT 1 FROM attachment_archive WHERE state = 'stored' AND sha256 = ?1 LIMIT 1");
  std::int64_t deleted = 0;
  for (const auto& sha : contents) {
    {
      reset_guard g{used};
      used.bind(1, sha);
      if (used.executeStep()) continue;
    }
    std::error_code ec;
    const auto path = content_path(dir, sha);
    if (std::filesystem::remove(path, ec)) ++deleted;
    else if (ec) log::warning("store: attachment content not deleted path={} error=\"{}\"", path.string(), ec.message());
  }
  return deleted;
}

}  // namespace rcvault::store::detail
