#include "migrations.hpp"

#include "rcvault/core/time.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <fmt/format.h>
#include <map>

namespace rcvault::store::detail {
namespace {

// The runner's own bookkeeping; created on first use, so schema/schema.sql lists it too.
constexpr const char* bookkeeping_sql =
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
    "  version     INTEGER PRIMARY KEY,\n"
    "  name        TEXT    NOT NULL,\n"
    "  checksum    TEXT    NOT NULL,\n"
    "  applied_at  INTEGER NOT NULL\n"
    ")";

struct applied_row {
  std::string name;
  std::string checksum;
  core::millis applied_at;
};

std::map<int, applied_row> read_applied(SQLite::Database& db) {
  std::map<int, applied_row> rows;
  if (!db.tableExists("schema_migrations")) return rows;
  SQLite::Statement q(db, "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
  while (q.executeStep())
    rows[q.getColumn(0).getInt()] = {q.getColumn(1).getString(), q.getColumn(2).getString(),
                                     q.getColumn(3).getInt64()};
  return rows;
}

core::millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

core::result<std::vector<migration_info>> read_status(SQLite::Database& db, std::span<const migration> known) {
  const auto applied = read_applied(db);
  std::vector<migration_info> out;
  for (const auto& m : known) {
    migration_info info;
    info.version = m.version;
    info.name = std::string(m.name);
    if (auto it = applied.find(m.version); it != applied.end()) {
      if (it->second.checksum != m.checksum || it->second.name != m.name)
        return core::make_error(core::errc::migration,
                                fmt::format("migration {}: the applied migration differs from this binary's "
                                            "(checksum {} in the database, {} here); migrations are never edited",
                                            m.name, it->second.checksum.substr(0, 12), m.checksum.substr(0, 12)));
      info.applied = true;
      info.applied_at = core::format_iso8601(it->second.applied_at);
    }
    out.push_back(std::move(info));
  }
  const int newest_known = known.empty() ? 0 : known.back().version;
  for (const auto& [version, row] : applied) {
    if (version > newest_known)
      return core::make_error(core::errc::migration,
                              fmt::format("migration {}: the database is newer than this binary (which knows up "
                                          "to version {}); upgrade rcvault",
                                          row.name, newest_known));
    bool found = false;
    for (const auto& m : known) found = found || m.version == version;
    if (!found)
      return core::make_error(core::errc::migration,
                              fmt::format("migration {}: applied in the database but unknown to this binary", row.name));
  }
  return out;
}

core::result<std::vector<migration_info>> apply_pending(SQLite::Database& db, std::span<const migration> known) {
  {
    // Take the write lock first so a concurrent migrate cannot interleave
    // between our status check and the first migration.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto status = read_status(db, known);
    if (!status) return status;
    bool pending = false;
    for (const auto& s : *status) pending = pending || !s.applied;
    if (!pending) return status;
    db.exec(bookkeeping_sql);
    tx.commit();
  }
  for (const auto& m : known) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Re-read inside the transaction: another process may have applied it.
    auto status = read_status(db, known);
    if (!status) return status;
    bool applied = false;
    for (const auto& s : *status) applied = applied || (s.version == m.version && s.applied);
    if (applied) continue;
    db.exec(std::string(m.sql));
    SQLite::Statement ins(db, "INSERT INTO schema_migrations(version, name, checksum, applied_at) VALUES(?,?,?,?)");
    ins.bind(1, m.version);
    ins.bind(2, std::string(m.name));
    ins.bind(3, std::string(m.checksum));
    ins.bind(4, static_cast<std::int64_t>(now_ms()));
    ins.exec();
    tx.commit();
  }
  return read_status(db, known);
}

}  // namespace rcvault::store::detail
