#include "connection.hpp"

#include "wal_write_batching.hpp"

#include <filesystem>
#include <string>

namespace rcvault::store::detail {

SQLite::Database open_connection(const options& opts, role r) {
  int flags = SQLite::OPEN_READWRITE;
  if (r == role::writer || r == role::admin) {
    flags |= SQLite::OPEN_CREATE;
    const auto folder = opts.path.parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder);
  } else if (r == role::reader) {
    flags = SQLite::OPEN_READONLY;
  }
  // The writer's connection is only ever used by one thread at a time: no
  // per-call mutex.
  if (r == role::writer) flags |= SQLite::OPEN_NOMUTEX;
  // With synchronous=full every commit syncs the WAL, so the writer's WAL
  // writes can be handed to the kernel in one piece at that sync, and the
  // fdatasync itself is left to the writer's wal_syncer thread.
  const bool batch_wal = r == role::writer && opts.sync == synchronous::full;
  SQLite::Database db(opts.path.string(), flags, static_cast<int>(opts.busy_timeout.count()),
                      batch_wal ? wal_write_batching_vfs() : "");
  // A read-only connection cannot switch the journal mode; the writer or the
  // migration that created the file already did (WAL is persistent).
  if (r != role::reader) db.exec("PRAGMA journal_mode=WAL");
  db.exec(opts.sync == synchronous::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  // Marks a checkpoint's syncs (SQLITE_SYNC_FULL) apart from a commit's, so
  // the batching VFS defers only the latter; no other effect on Linux.
  if (batch_wal) db.exec("PRAGMA checkpoint_fullfsync=1");
  db.exec("PRAGMA foreign_keys=ON");
  // Secondary-index upkeep on random keys dominates inserts into a large
  // archive; a bigger cache keeps the hot index pages in memory.
  if (r == role::writer) db.exec("PRAGMA cache_size=-" + std::to_string(opts.writer_cache_kib));
  return db;
}

}  // namespace rcvault::store::detail
