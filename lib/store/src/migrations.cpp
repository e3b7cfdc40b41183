#include "migrations.hpp"

#include "rcvault/core/time.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <fmt/format.h>
#include <map>
#include <string>

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

// The statements of a migration file, split where sqlite3_complete says one
// ends (so a ';' inside a string, a comment or a trigger body does not split),
// without the ones that are only comments and whitespace.
std::vector<std::string_view> statements_of(std::string_view sql) {
  std::vector<std::string_view> out;
  auto has_code = [](std::string_view part) {
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '-' && i + 1 < part.size() && part[i + 1] == '-') {
        while (i < part.size() && part[i] != '\n') ++i;
      } else if (!std::isspace(static_cast<unsigned char>(part[i])) && part[i] != ';') {
        return true;
      }
    }
    return false;
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != ';') continue;
    const std::string candidate(sql.substr(start, i + 1 - start));
    if (!sqlite3_complete(candidate.c_str())) continue;
    if (has_code(sql.substr(start, i + 1 - start))) out.push_back(sql.substr(start, i + 1 - start));
    start = i + 1;
  }
  if (has_code(sql.substr(start))) out.push_back(sql.substr(start));
  return out;
}

// The first line of a statement that is not a comment, trimmed, for progress.
std::string_view first_line(std::string_view statement) {
  std::size_t i = 0;
  while (i < statement.size()) {
    while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i]))) ++i;
    std::size_t end = statement.find('\n', i);
    if (end == std::string_view::npos) end = statement.size();
    auto line = statement.substr(i, end - i);
    if (!line.starts_with("--")) {
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
      return line;
    }
    i = end;
  }
  return {};
}

// Runs one migration's statements in order, telling `progress` before each
// and about once a second during a long one (SQLite's progress handler).
void run_statements(SQLite::Database& db, const migration& m, const migration_progress& progress) {
  const auto statements = statements_of(m.sql);
  struct watch {
    const migration_progress* progress;
    migration_step step;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last;
    void tell() noexcept {
      last = std::chrono::steady_clock::now();
      step.elapsed = last - started;
      try {
        (*progress)(step);
      } catch (...) {
        // Progress is a display: it never stops a migration.
      }
    }
  };
  watch w{&progress, {}, std::chrono::steady_clock::now(), {}};
  w.step.name = m.name;
  w.step.statements = static_cast<int>(statements.size());
  if (progress) {
    sqlite3_progress_handler(
        db.getHandle(), 1'000'000,
        [](void* p) {
          auto& w = *static_cast<watch*>(p);
          if (std::chrono::steady_clock::now() - w.last >= std::chrono::seconds(1)) w.tell();
          return 0;
        },
        &w);
  }
  try {
    for (std::size_t i = 0; i < statements.size(); ++i) {
      w.step.statement = static_cast<int>(i + 1);
      w.step.sql = first_line(statements[i]);
      if (progress) w.tell();
      db.exec(std::string(statements[i]));
    }
  } catch (...) {
    sqlite3_progress_handler(db.getHandle(), 0, nullptr, nullptr);
    throw;
  }
  sqlite3_progress_handler(db.getHandle(), 0, nullptr, nullptr);
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

core::result<std::vector<migration_info>> apply_pending(SQLite::Database& db, std::span<const migration> known,
                                                        const migration_progress& progress) {
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
    run_statements(db, m, progress);
    SQLite::Statement ins(db, "INSERT INTO schema_migrations(version, name, checksum, applied_at) VALUES(?,?,?,?)");
    ins.bind(1, m.version);
    ins.bind(2, std::string(m.name));
    ins.bind(3, std::string(m.checksum));
    ins.bind(4, static_cast<std::int64_t>(core::now_ms()));
    ins.exec();
    tx.commit();
  }
  return read_status(db, known);
}

}  // namespace rcvault::store::detail
