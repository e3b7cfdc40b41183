#pragma once
// A SQLite VFS for the writer's connection (synchronous=full only) that
// gathers its WAL writes in memory and hands them to the kernel as one write
// when SQLite syncs the WAL at commit, and leaves that commit's fdatasync to
// the writer's wal_syncer.
//
// Writes: SQLite writes each WAL frame as two small writes (24-byte header,
// then the page); a commit of a batch is hundreds of them, and on this kind of
// virtual machine every system call is expensive. The buffer is flushed at
// every sync, before any read, size query or truncation of the file, and on
// close, so a commit's frames are in the kernel (visible to every other
// connection, and any write error fails the commit) when COMMIT returns.
//
// Syncs: the sync that ends a commit (SQLITE_SYNC_NORMAL) returns after the
// flush, without fdatasync; the writer must not answer for the batch before
// wal_syncer::after_sync has run. Every other sync is done at once: a
// checkpoint's sync of the WAL before it overwrites the database file, the
// sync of a new WAL header, and the first sync of each WAL file (which also
// syncs its folder). SQLite tells them apart by their flags only when the
// connection sets `PRAGMA checkpoint_fullfsync=1` (SQLITE_SYNC_FULL), which
// open_connection does for the writer.

#include <cstdint>

namespace rcvault::store::detail {

// The name to pass to sqlite3_open_v2 for a connection whose WAL writes are
// batched and whose commit syncs are deferred. Registers the VFS (over the
// default one) on first use; thread-safe.
const char* wal_write_batching_vfs();

// How many WAL syncs the VFS has left to the wal_syncer (deferred) and done
// itself (inline), process-wide since start. For tests. Thread-safe.
struct wal_sync_counts {
  std::uint64_t deferred = 0;
  std::uint64_t done_inline = 0;
};
wal_sync_counts wal_sync_counts_now();

}  // namespace rcvault::store::detail
