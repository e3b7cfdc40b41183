#pragma once
// Opening, migrating, checking and backing up the database file.

#include "rcvault/core/error.hpp"
#include "rcvault/store/options.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rcvault::store {

struct migration_info {
  int version = 0;
  std::string name;        // "0001_initial"
  bool applied = false;
  std::string applied_at;  // ISO 8601, "" when pending
};

// Creates the database's folder and file when missing and applies every
// pending embedded migration, each in its own transaction. Returns the list of
// migrations afterwards, or errc::migration naming the migration when an
// applied one was edited or the database is newer than this binary (nothing
// touched then). Throws on SQLite I/O failures.
core::result<std::vector<migration_info>> migrate(const options& opts);

// The migration status without changing anything (the file must exist).
core::result<std::vector<migration_info>> migration_status(const options& opts);

// True when the schema is current (every embedded migration applied, none unknown).
bool schema_current(const options& opts);

// Runs PRAGMA integrity_check and the migration checks; returns "" when all is
// well, else one line naming the problem.
core::result<std::string> check(const options& opts);

// Online backup (SQLite's backup API) into `out`, consistent while writers run.
// errc::usage when `out` exists. Throws on I/O failure.
core::result<void> backup(const options& opts, const std::filesystem::path& out);

}  // namespace rcvault::store
