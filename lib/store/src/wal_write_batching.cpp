#include "wal_write_batching.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace rcvault::store::detail {
namespace {

constexpr const char* vfs_name = "rcvault-wal-batching";
// A larger run of frames is written out at once without waiting for the sync.
constexpr std::size_t flush_bytes = 8u << 20;
// The unix VFS writes at most 128 KiB - 1 per call (a longer write comes back
// short, which it reports as a full disk), so the buffer goes out in pieces.
constexpr std::size_t write_bytes = 64u << 10;

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs batching_vfs;

// The WAL file: our header, then the base VFS's file object (inner).
struct wal_file {
  sqlite3_file file;            // pMethods = &wal_methods
  sqlite3_file* inner;          // the base VFS's open file, right after this struct
  std::vector<char>* pending;   // bytes not yet handed to the kernel
  sqlite3_int64 pending_offset; // file offset of pending[0]
  bool synced_once;             // the base VFS has synced this file (and its folder)
};

std::atomic<std::uint64_t> deferred_syncs{0};
std::atomic<std::uint64_t> inline_syncs{0};

int flush(wal_file* f) {
  auto& pending = *f->pending;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < pending.size() && rc == SQLITE_OK; done += write_bytes) {
    const auto n = std::min(write_bytes, pending.size() - done);
    rc = f->inner->pMethods->xWrite(f->inner, pending.data() + done, static_cast<int>(n),
                                    f->pending_offset + static_cast<sqlite3_int64>(done));
  }
  pending.clear();
  return rc;
}

wal_file* as_wal(sqlite3_file* p) { return reinterpret_cast<wal_file*>(p); }

int wal_close(sqlite3_file* p) {
  auto* f = as_wal(p);
  const int flushed = flush(f);
  const int rc = f->inner->pMethods ? f->inner->pMethods->xClose(f->inner) : SQLITE_OK;
  delete f->pending;
  f->pending = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

int wal_read(sqlite3_file* p, void* buf, int amount, sqlite3_int64 offset) {
  auto* f = as_wal(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->inner->pMethods->xRead(f->inner, buf, amount, offset);
}

int wal_write(sqlite3_file* p, const void* buf, int amount, sqlite3_int64 offset) {
  auto* f = as_wal(p);
  auto& pending = *f->pending;
  if (!pending.empty() && offset != f->pending_offset + static_cast<sqlite3_int64>(pending.size())) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (pending.empty()) f->pending_offset = offset;
  try {
    const auto* bytes = static_cast<const char*>(buf);
    pending.insert(pending.end(), bytes, bytes + amount);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  return pending.size() >= flush_bytes ? flush(f) : SQLITE_OK;
}

int wal_truncate(sqlite3_file* p, sqlite3_int64 size) {
  auto* f = as_wal(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->inner->pMethods->xTruncate(f->inner, size);
}

// SQLite passes SQLITE_SYNC_FULL for a checkpoint's sync of the WAL and the
// sync of a new WAL header (the writer's connection sets
// checkpoint_fullfsync), SQLITE_SYNC_NORMAL for the sync ending a commit.
int wal_sync(sqlite3_file* p, int flags) {
  auto* f = as_wal(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  const bool commit_sync = (flags & 0x0f) == SQLITE_SYNC_NORMAL;
  if (commit_sync && f->synced_once) {
    deferred_syncs.fetch_add(1, std::memory_order_relaxed);
    return SQLITE_OK;  // the wal_syncer's fdatasync, before any answer
  }
  // The first sync of a new WAL also syncs its folder (the unix VFS does it).
  f->synced_once = true;
  inline_syncs.fetch_add(1, std::memory_order_relaxed);
  return f->inner->pMethods->xSync(f->inner, flags);
}

int wal_file_size(sqlite3_file* p, sqlite3_int64* size) {
  auto* f = as_wal(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->inner->pMethods->xFileSize(f->inner, size);
}

// Everything else goes straight to the base VFS's file.
int wal_lock(sqlite3_file* p, int l) { return as_wal(p)->inner->pMethods->xLock(as_wal(p)->inner, l); }
int wal_unlock(sqlite3_file* p, int l) { return as_wal(p)->inner->pMethods->xUnlock(as_wal(p)->inner, l); }
int wal_check_reserved(sqlite3_file* p, int* out) {
  return as_wal(p)->inner->pMethods->xCheckReservedLock(as_wal(p)->inner, out);
}
int wal_file_control(sqlite3_file* p, int op, void* arg) {
  auto* f = as_wal(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->inner->pMethods->xFileControl(f->inner, op, arg);
}
int wal_sector_size(sqlite3_file* p) { return as_wal(p)->inner->pMethods->xSectorSize(as_wal(p)->inner); }
int wal_device_characteristics(sqlite3_file* p) {
  return as_wal(p)->inner->pMethods->xDeviceCharacteristics(as_wal(p)->inner);
}
int wal_shm_map(sqlite3_file* p, int page, int size, int extend, void volatile** out) {
  return as_wal(p)->inner->pMethods->xShmMap(as_wal(p)->inner, page, size, extend, out);
}
int wal_shm_lock(sqlite3_file* p, int offset, int n, int flags) {
  return as_wal(p)->inner->pMethods->xShmLock(as_wal(p)->inner, offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* p) { as_wal(p)->inner->pMethods->xShmBarrier(as_wal(p)->inner); }
int wal_shm_unmap(sqlite3_file* p, int del) { return as_wal(p)->inner->pMethods->xShmUnmap(as_wal(p)->inner, del); }
// No memory-mapped access to the WAL: reads must see the pending bytes.
int wal_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int wal_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods wal_methods = {
    3,          wal_close,      wal_read,      wal_write,          wal_truncate,
    wal_sync,   wal_file_size,  wal_lock,      wal_unlock,         wal_check_reserved,
    wal_file_control, wal_sector_size, wal_device_characteristics, wal_shm_map, wal_shm_lock,
    wal_shm_barrier, wal_shm_unmap, wal_fetch, wal_unfetch,
};

// Opens every file through the base VFS; a WAL file gets the batching methods.
int batching_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* out, int flags, int* out_flags) {
  if (!(flags & SQLITE_OPEN_WAL)) return base_vfs->xOpen(base_vfs, name, out, flags, out_flags);
  auto* f = reinterpret_cast<wal_file*>(out);
  std::memset(f, 0, sizeof(wal_file));
  f->inner = reinterpret_cast<sqlite3_file*>(f + 1);
  const int rc = base_vfs->xOpen(base_vfs, name, f->inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set: close the base's file here.
    if (f->inner->pMethods) f->inner->pMethods->xClose(f->inner);
    return rc;
  }
  f->pending = new (std::nothrow) std::vector<char>();
  if (!f->pending) {
    f->inner->pMethods->xClose(f->inner);
    f->file.pMethods = nullptr;
    return SQLITE_NOMEM;
  }
  f->file.pMethods = &wal_methods;
  return SQLITE_OK;
}

int batching_delete(sqlite3_vfs*, const char* name, int sync_dir) { return base_vfs->xDelete(base_vfs, name, sync_dir); }
int batching_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return base_vfs->xAccess(base_vfs, name, flags, out);
}
int batching_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, n, out);
}
void* batching_dl_open(sqlite3_vfs*, const char* name) { return base_vfs->xDlOpen(base_vfs, name); }
void batching_dl_error(sqlite3_vfs*, int n, char* out) { base_vfs->xDlError(base_vfs, n, out); }
void (*batching_dl_sym(sqlite3_vfs*, void* handle, const char* sym))(void) {
  return base_vfs->xDlSym(base_vfs, handle, sym);
}
void batching_dl_close(sqlite3_vfs*, void* handle) { base_vfs->xDlClose(base_vfs, handle); }
int batching_randomness(sqlite3_vfs*, int n, char* out) { return base_vfs->xRandomness(base_vfs, n, out); }
int batching_sleep(sqlite3_vfs*, int us) { return base_vfs->xSleep(base_vfs, us); }
int batching_current_time(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int batching_get_last_error(sqlite3_vfs*, int n, char* out) {
  return base_vfs->xGetLastError ? base_vfs->xGetLastError(base_vfs, n, out) : 0;
}
int batching_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

void register_vfs() {
  base_vfs = sqlite3_vfs_find(nullptr);
  if (!base_vfs || base_vfs->iVersion < 2) throw std::runtime_error("no default SQLite VFS to batch WAL writes over");
  std::memset(&batching_vfs, 0, sizeof batching_vfs);
  batching_vfs.iVersion = 2;
  batching_vfs.szOsFile = static_cast<int>(sizeof(wal_file)) + base_vfs->szOsFile;
  batching_vfs.mxPathname = base_vfs->mxPathname;
  batching_vfs.zName = vfs_name;
  batching_vfs.xOpen = batching_open;
  batching_vfs.xDelete = batching_delete;
  batching_vfs.xAccess = batching_access;
  batching_vfs.xFullPathname = batching_full_pathname;
  batching_vfs.xDlOpen = batching_dl_open;
  batching_vfs.xDlError = batching_dl_error;
  batching_vfs.xDlSym = batching_dl_sym;
  batching_vfs.xDlClose = batching_dl_close;
  batching_vfs.xRandomness = batching_randomness;
  batching_vfs.xSleep = batching_sleep;
  batching_vfs.xCurrentTime = batching_current_time;
  batching_vfs.xGetLastError = batching_get_last_error;
  batching_vfs.xCurrentTimeInt64 = batching_current_time_int64;
  if (sqlite3_vfs_register(&batching_vfs, 0) != SQLITE_OK) throw std::runtime_error("cannot register SQLite VFS");
}

}  // namespace

const char* wal_write_batching_vfs() {
  static std::once_flag once;
  std::call_once(once, register_vfs);
  return vfs_name;
}

wal_sync_counts wal_sync_counts_now() {
  return {deferred_syncs.load(std::memory_order_relaxed), inline_syncs.load(std::memory_order_relaxed)};
}

}  // namespace rcvault::store::detail
