#pragma once
// The migration runner over the migrations compiled into the binary.

#include "rcvault/core/error.hpp"
#include "rcvault/store/database.hpp"

#include <SQLiteCpp/Database.h>

#include <span>
#include <string_view>
#include <vector>

namespace rcvault::store::detail {

// One embedded migration file.
struct migration {
  int version;
  std::string_view name;      // "0001_initial"
  std::string_view sql;
  std::string_view checksum;  // SHA-256 of the file, lower-case hex
};

// The migrations of this binary in version order (generated source).
std::span<const migration> embedded_migrations() noexcept;

// Returns the status of `known` against the database's schema_migrations
// table (absent = nothing applied), or errc::migration naming the migration
// when an applied one was edited or the database knows a newer one. Reads only.
core::result<std::vector<migration_info>> read_status(SQLite::Database& db, std::span<const migration> known);

// Checks as read_status, then applies each pending migration of `known` in its
// own IMMEDIATE transaction together with its bookkeeping row, one statement
// at a time, telling `progress` (when set) where it is; on an error nothing is
// touched. Throws on SQLite failures.
core::result<std::vector<migration_info>> apply_pending(SQLite::Database& db, std::span<const migration> known,
                                                        const migration_progress& progress = {});

}  // namespace rcvault::store::detail
