#include "rcvault/store/database.hpp"

#include "connection.hpp"
#include "migrations.hpp"
#include "raw_codec.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Statement.h>

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <system_error>
#include <thread>

namespace rcvault::store {
namespace {

core::error missing_file(const options& opts) {
  return core::make_error(core::errc::usage, fmt::format("database {}: no such file", opts.path.string()));
}

// "" when every stored raw payload decodes to the bytes received (a frame
// whose dictionary is missing, or a corrupt one, would fail /v1/events and
// a re-fold); else how many do not and the first of them. Reads the events
// in chunks, each its own read transaction, so serve's checkpoints go on.
std::string undecodable_payloads(SQLite::Database& db) {
  constexpr int chunk = 2000;
  detail::raw_codec codec(db);
  SQLite::Statement q(db, "SELECT id, uuid, raw, raw_dict FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
  std::int64_t after = 0;
  std::int64_t bad = 0;
  std::string first;
  for (int rows = chunk; rows == chunk;) {
    rows = 0;
    q.reset();
    q.bind(1, static_cast<std::int64_t>(after));
    q.bind(2, chunk);
    while (q.executeStep()) {
      ++rows;
      after = q.getColumn(0).getInt64();
      try {
        codec.decode(q.getColumn(2), q.getColumn(3));
      } catch (const std::exception& e) {
        if (bad++ == 0) first = fmt::format("event {} (uuid {}): {}", after, q.getColumn(1).getString(), e.what());
      }
    }
  }
  q.reset();
  if (bad == 0) return {};
  return fmt::format("{} stored raw payload{} not decode; the first: {}", bad, bad == 1 ? " does" : "s do", first);
}

}  // namespace

core::result<std::vector<migration_info>> migrate(const options& opts, const migration_progress& progress) {
  auto db = detail::open_connection(opts, detail::role::admin);
  return detail::apply_pending(db, detail::embedded_migrations(), progress);
}

core::result<std::vector<migration_info>> migration_status(const options& opts) {
  if (!std::filesystem::exists(opts.path)) return missing_file(opts);
  auto db = detail::open_connection(opts, detail::role::reader);
  return detail::read_status(db, detail::embedded_migrations());
}

bool schema_current(const options& opts) {
  auto status = migration_status(opts);
  if (!status) return false;
  for (const auto& m : *status)
    if (!m.applied) return false;
  return true;
}

core::result<std::string> check(const options& opts) {
  if (!std::filesystem::exists(opts.path)) return missing_file(opts);
  auto db = detail::open_connection(opts, detail::role::reader);
  auto status = detail::read_status(db, detail::embedded_migrations());
  if (!status) return status.error();
  std::string problems;
  SQLite::Statement q(db, "PRAGMA integrity_check");
  while (q.executeStep()) {
    std::string line = q.getColumn(0).getString();
    if (line == "ok") continue;
    if (!problems.empty()) problems += "; ";
    problems += line;
  }
  if (!problems.empty()) return fmt::format("database {}: integrity_check: {}", opts.path.string(), problems);
  for (const auto& m : *status)
    if (!m.applied)
      return fmt::format("database {}: migration {} is pending (run rcvault migrate)", opts.path.string(), m.name);
  if (auto bad = undecodable_payloads(db); !bad.empty()) return fmt::format("database {}: {}", opts.path.string(), bad);
  return std::string();
}

core::result<void> backup(const options& opts, const std::filesystem::path& out) {
  if (!std::filesystem::exists(opts.path)) return missing_file(opts);
  std::error_code ec;
  if (std::filesystem::exists(out, ec) || ec)
    return core::make_error(core::errc::usage, fmt::format("backup {}: already exists", out.string()));
  // Copy into a side file and rename, so OUTFILE never holds half a backup.
  auto partial = out;
  partial += ".partial";
  std::filesystem::remove(partial, ec);
  {
    auto src = detail::open_connection(opts, detail::role::reader);
    SQLite::Database dst(partial.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup bk(dst, src);
    // One step copies every page inside one read transaction: a WAL snapshot
    // that concurrent writers never invalidate (small steps would restart
    // each time the writer commits).
    const auto deadline = std::chrono::steady_clock::now() + opts.busy_timeout;
    for (;;) {
      const int rc = bk.executeStep(-1);
      if (rc == SQLITE_DONE) break;
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("backup " + out.string() + ": database stayed busy");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  {
    // A backup is one self-contained file, not a WAL database.
    SQLite::Database dst(partial.string(), SQLite::OPEN_READWRITE);
    dst.exec("PRAGMA journal_mode=DELETE");
  }
  std::filesystem::rename(partial, out);
  return {};
}

}  // namespace rcvault::store
