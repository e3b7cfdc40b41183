#pragma once
// A SQLite VFS that gathers the writer's WAL writes in memory and hands them
// to the kernel as one write when SQLite syncs the WAL at commit. SQLite
// writes each WAL frame as two small writes (24-byte header, then the page);
// a commit of a batch is hundreds of them, and on this kind of virtual
// machine every system call is expensive. Nothing changes for durability:
// SQLite never relies on a WAL write before the sync that follows it, and the
// buffer is flushed before that sync, before any read, size query or
// truncation of the file, and on close.
//
// Only correct when every commit syncs the WAL (synchronous=FULL): with
// NORMAL a commit becomes visible to other connections without a sync, so
// the connection must then use the default VFS.

namespace rcvault::store::detail {

// The name to pass to sqlite3_open_v2 for a connection whose WAL writes are
// batched. Registers the VFS (over the default one) on first use; thread-safe.
const char* wal_write_batching_vfs();

}  // namespace rcvault::store::detail
