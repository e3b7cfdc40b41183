#pragma once
// Opening SQLite connections with rcvault's pragmas (never set in migrations).

#include "rcvault/store/options.hpp"

#include <SQLiteCpp/Database.h>

namespace rcvault::store::detail {

enum class role {
  writer,     // read-write, creates the file and its folder, large page cache
  admin,      // read-write, creates the file and its folder (migrate, import setup)
  existing,   // read-write, the file must exist (check, backup source)
  reader,     // read-only, the file must exist
};

// Opens `opts.path` for `r` and sets WAL, synchronous, busy_timeout and
// foreign_keys. Throws SQLite::Exception (or std::filesystem_error) on failure.
SQLite::Database open_connection(const options& opts, role r);

}  // namespace rcvault::store::detail
