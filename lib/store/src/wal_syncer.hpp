#pragma once
// Makes the writer's commits durable off the writer thread (group commit).
//
// With synchronous=full the writer's connection goes through the WAL-batching
// VFS, whose sync hands the commit's frames to the kernel but leaves the
// fdatasync to this thread. The writer passes each committed batch's answers
// here; they run only after an fdatasync of the WAL file that began after the
// batch committed, so a 200 still means "on disk". Meanwhile the writer
// builds the next batch: the disk's flush (several ms on this kind of
// machine) overlaps SQLite's work instead of stopping it. One fdatasync
// covers every batch committed before it started.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rcvault::store::detail {

class wal_syncer {
 public:
  // Runs after the sync with true, or with false when the WAL could not be
  // synced (the batch is committed but may not survive a crash).
  using completion = std::function<void(bool synced)>;

  // `wal_path` is the writer connection's WAL file; it is opened at the first
  // sync (SQLite creates it at the first commit).
  explicit wal_syncer(std::filesystem::path wal_path);
  // Stops (syncing and answering what is queued) and joins.
  ~wal_syncer();
  wal_syncer(const wal_syncer&) = delete;
  wal_syncer& operator=(const wal_syncer&) = delete;

  // Starts the thread. Call once.
  void start();

  // Queues `done` to run on the syncer thread after an fdatasync of the WAL
  // that starts after this call. When the thread is not running (never
  // started, or stopped) it syncs and runs `done` on the caller's thread.
  // Thread-safe.
  void after_sync(completion done);

  // Syncs and answers everything queued, then joins the thread. Idempotent.
  void stop();

  // True once an fdatasync has failed; every later completion then gets
  // false (after a failed fsync the kernel may have dropped the pages, so a
  // later success proves nothing). Thread-safe.
  bool failed() const;

  // Syncs done so far, their total time, and failed() as of the same moment.
  // Thread-safe.
  struct totals {
    std::uint64_t syncs = 0;
    std::chrono::nanoseconds time{0};
    bool failed = false;
  };
  totals done() const;

 private:
  void run();
  bool sync_wal();  // syncer thread (or the caller when not running)

  std::filesystem::path wal_path_;
  int fd_ = -1;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<completion> queued_;
  bool running_ = false;
  bool stopping_ = false;
  bool failed_ = false;
  totals done_;
  std::thread thread_;
};

}  // namespace rcvault::store::detail
