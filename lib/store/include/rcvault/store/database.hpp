#pragma once
// Opening, migrating, checking and backing up the database file.

#include "rcvault/core/error.hpp"
#include "rcvault/store/options.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace rcvault::store {

struct migration_info {
  int version = 0;
  std::string name;        // "0001_initial"
  bool applied = false;
  std::string applied_at;  // ISO 8601, "" when pending
};

// Where a running migration is: statement `statement` (1-based) of
// `statements` in migration `name`, which began `elapsed` ago.
struct migration_step {
  std::string_view name;       // "0002_arrival_row_ids"
  int statement = 0;
  int statements = 0;
  std::string_view sql;        // the statement's first line
  std::chrono::steady_clock::duration elapsed{};
};

// Called on the migrating thread before each statement of a pending migration
// and about once a second while a long one runs; must not throw.
using migration_progress = std::function<void(const migration_step&)>;

// Creates the database's folder and file when missing and applies every
// pending embedded migration, each in its own transaction. Returns the list of
// migrations afterwards, or errc::migration naming the migration when an
// applied one was edited or the database is newer than this binary (nothing
// touched then). Throws on SQLite I/O failures. `progress`, when set, hears
// where each pending migration is (see migration_progress).
core::result<std::vector<migration_info>> migrate(const options& opts, const migration_progress& progress = {});

// The migration status without changing anything (the file must exist).
core::result<std::vector<migration_info>> migration_status(const options& opts);

// True when the schema is current (every embedded migration applied, none unknown).
bool schema_current(const options& opts);

// Runs PRAGMA integrity_check, the migration checks, and decodes every stored
// raw payload (docs/storage.md); returns "" when all is well, else one line
// naming the problem (for payloads: how many do not decode, and the first).
core::result<std::string> check(const options& opts);

// Online backup (SQLite's backup API) into `out`, consistent while writers run.
// errc::usage when `out` exists. Throws on I/O failure.
core::result<void> backup(const options& opts, const std::filesystem::path& out);

}  // namespace rcvault::store
