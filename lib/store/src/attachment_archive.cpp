// The names of the archive states and the fetcher's read-only view of
// attachment_archive (attachment_queue).
#include "rcvault/store/attachment_archive.hpp"

#include "attachment_rows.hpp"
#include "connection.hpp"
#include "statement_guard.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace rcvault::store {

using detail::reset_guard;

std::string_view to_string(archive_state s) noexcept {
  switch (s) {
    case archive_state::pending: return "pending";
    case archive_state::stored: return "stored";
    case archive_state::skipped: return "skipped";
    case archive_state::gone: return "gone";
    case archive_state::forbidden: return "forbidden";
    case archive_state::too_large: return "too_large";
    case archive_state::failed: return "failed";
  }
  return "pending";
}

std::optional<archive_state> archive_state_from_string(std::string_view s) noexcept {
  for (auto a : all_archive_states)
    if (to_string(a) == s) return a;
  return std::nullopt;
}

std::filesystem::path content_path(const std::filesystem::path& dir, std::string_view sha256) {
  return dir / "sha256" / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

namespace {

SQLite::Database open_queue_connection(const options& o) {
  try {
    return detail::open_connection(o, detail::role::reader);
  } catch (const std::exception& e) {
    throw std::runtime_error("database " + o.path.string() + ": " + e.what());
  }
}

// Resets a statement when leaving scope, so no finished read keeps its
// snapshot (which would stall WAL checkpoints).
}  // namespace

struct attachment_queue::impl {
  explicit impl(const options& o)
      : db(open_queue_connection(o)),
        // The state test repeats the due index's own condition word for
        // word, so the walk uses that partial index in its order.
        due(db, "SELECT " + std::string(detail::archive_row_columns) +
                    " FROM attachment_archive a JOIN messages m ON m.id = a.message_id"
                    " WHERE a.state IN ('pending', 'failed') AND a.retry_at <= ?1"
                    " ORDER BY a.retry_at, a.message_id, a.attachment_id LIMIT ?2"),
        next_retry(db,
                   "SELECT min(retry_at) FROM attachment_archive WHERE state IN ('pending', 'failed') AND retry_at > ?1"),
        has_stored(db, "SELECT 1 FROM attachment_archive WHERE state = 'stored' AND sha256 = ?1 LIMIT 1") {}

  SQLite::Database db;
  SQLite::Statement due;
  SQLite::Statement next_retry;
  SQLite::Statement has_stored;
};

attachment_queue::attachment_queue(const options& opts) : impl_(std::make_unique<impl>(opts)) {}
attachment_queue::~attachment_queue() = default;

std::vector<archived_attachment> attachment_queue::due(core::millis now, std::size_t limit) {
  auto& s = impl_->due;
  reset_guard g{s};
  s.tryReset();
  s.bind(1, static_cast<std::int64_t>(now));
  s.bind(2, static_cast<std::int64_t>(limit));
  std::vector<archived_attachment> out;
  while (s.executeStep()) out.push_back(detail::read_archive_row(s));
  return out;
}

std::optional<core::millis> attachment_queue::next_retry(core::millis now) {
  auto& s = impl_->next_retry;
  reset_guard g{s};
  s.tryReset();
  s.bind(1, static_cast<std::int64_t>(now));
  if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
  return s.getColumn(0).getInt64();
}

bool attachment_queue::has_stored(std::string_view sha256) {
  auto& s = impl_->has_stored;
  reset_guard g{s};
  s.tryReset();
  s.bind(1, std::string(sha256));
  return s.executeStep();
}

}  // namespace rcvault::store
