#include "rcvault/store/sync_state.hpp"

#include "connection.hpp"
#include "sync_rows.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <unistd.h>

namespace rcvault::store {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// True when `holder` names a process of this host ("host pid N") that no
// longer runs: its lease is free at once, without waiting for it to go stale
// (a `kill -9` of the previous syncer must not block the next pass).
bool holder_is_dead_local_process(const std::string& holder) {
  static constexpr std::string_view marker = " pid ";
  auto at = holder.rfind(marker);
  if (at == std::string::npos || holder.substr(0, at) != host_name()) return false;
  std::string_view digits = std::string_view(holder).substr(at + marker.size());
  pid_t pid = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc{} || p != digits.data() + digits.size() || pid <= 0) return false;
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

// Rolls an explicit transaction back unless it was committed.
struct transaction_guard {
  SQLite::Database& db;
  bool done = false;
  ~transaction_guard() {
    if (!done) db.tryExec("ROLLBACK");
  }
};

}  // namespace

std::vector<sync_checkpoint> read_sync_states(const options& opts) {
  auto db = detail::open_connection(opts, detail::role::reader);
  SQLite::Statement q(db, fmt::format("SELECT {} FROM sync_mailboxes ORDER BY extension_id", detail::sync_columns));
  std::vector<sync_checkpoint> out;
  while (q.executeStep()) out.push_back(detail::read_sync_row(q));
  return out;
}

std::optional<sync_checkpoint> read_sync_state(const options& opts, std::string_view extension_id) {
  auto db = detail::open_connection(opts, detail::role::reader);
  SQLite::Statement q(db, fmt::format("SELECT {} FROM sync_mailboxes WHERE extension_id=?1", detail::sync_columns));
  q.bind(1, std::string(extension_id));
  if (!q.executeStep()) return std::nullopt;
  return detail::read_sync_row(q);
}

std::string this_process_lease_name() { return fmt::format("{} pid {}", host_name(), ::getpid()); }

core::result<void> acquire_sync_lease(const options& opts, const std::string& holder,
                                      std::chrono::milliseconds stale_after) {
  auto db = detail::open_connection(opts, detail::role::existing);
  db.exec("BEGIN IMMEDIATE");
  transaction_guard guard{db};
  const core::millis now = core::now_ms();
  {
    SQLite::Statement q(db, "SELECT holder, heartbeat FROM sync_lease WHERE id=1");
    if (q.executeStep()) {
      std::string current = q.getColumn(0).getString();
      const core::millis beat = q.getColumn(1).getInt64();
      const bool fresh = now - beat < stale_after.count();
      if (current != holder && fresh && !holder_is_dead_local_process(current))
        return core::make_error(core::errc::unavailable,
                                fmt::format("the database is synced by {} (heartbeat {} s ago)", current,
                                            std::max<core::millis>(0, now - beat) / 1000));
      if (current != holder) log::info("sync: lease taken over holder=\"{}\" previous=\"{}\"", holder, current);
    }
  }
  SQLite::Statement up(db,
                       "INSERT INTO sync_lease(id, holder, acquired_at, heartbeat) VALUES(1, ?1, ?2, ?2) "
                       "ON CONFLICT(id) DO UPDATE SET holder=excluded.holder, acquired_at=excluded.acquired_at, "
                       "heartbeat=excluded.heartbeat");
  up.bind(1, holder);
  up.bind(2, static_cast<std::int64_t>(now));
  up.exec();
  db.exec("COMMIT");
  guard.done = true;
  return {};
}

bool renew_sync_lease(const options& opts, const std::string& holder) {
  auto db = detail::open_connection(opts, detail::role::existing);
  SQLite::Statement up(db, "UPDATE sync_lease SET heartbeat=?2 WHERE id=1 AND holder=?1");
  up.bind(1, holder);
  up.bind(2, static_cast<std::int64_t>(core::now_ms()));
  return up.exec() == 1;
}

void release_sync_lease(const options& opts, const std::string& holder) noexcept {
  try {
    auto db = detail::open_connection(opts, detail::role::existing);
    SQLite::Statement del(db, "DELETE FROM sync_lease WHERE id=1 AND holder=?1");
    del.bind(1, holder);
    del.exec();
  } catch (const std::exception& e) {
    log::warning("sync: could not release the lease error=\"{}\"", e.what());
  }
}

std::optional<lease_holder> read_sync_lease(const options& opts) {
  auto db = detail::open_connection(opts, detail::role::reader);
  SQLite::Statement q(db, "SELECT holder, heartbeat FROM sync_lease WHERE id=1");
  if (!q.executeStep()) return std::nullopt;
  return lease_holder{q.getColumn(0).getString(), q.getColumn(1).getInt64()};
}

}  // namespace rcvault::store
