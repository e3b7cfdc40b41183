// Group commit with synchronous=full: the writer's connection leaves the
// fdatasync that ends a commit to the wal_syncer thread, which answers a batch
// only after a sync that began after the batch committed; every other sync of
// the WAL (a checkpoint's, before it overwrites the database file) is still
// done at once. These look inside lib/store (src/), since a lost fsync cannot
// be seen from outside without a power cut; tests/system/fsync_before_ack_test.py
// checks the same order on the running daemon under strace.
#include "connection.hpp"
#include "store_test_support.hpp"
#include "wal_syncer.hpp"
#include "wal_write_batching.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using namespace rcvault;

TEST(WalSyncer, AnswersEveryBatchAfterASyncOnItsOwnThread) {
  test::temp_dir dir;
  const auto wal = dir / "some.db-wal";
  std::ofstream(wal) << "frames";
  store::detail::wal_syncer syncer(wal);
  syncer.start();

  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> synced{0}, on_caller{0};
  const auto caller = std::this_thread::get_id();
  for (int i = 0; i < 200; ++i) {
    syncer.after_sync([&, i](bool ok) {
      if (ok) ++synced;
      if (std::this_thread::get_id() == caller) ++on_caller;
      std::lock_guard lk(mu);
      order.push_back(i);
    });
  }
  syncer.stop();  // answers what is still queued

  EXPECT_EQ(synced.load(), 200);
  EXPECT_EQ(on_caller.load(), 0);
  ASSERT_EQ(order.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i) << "answered out of order";
  EXPECT_FALSE(syncer.failed());
}

TEST(WalSyncer, SyncsOnTheCallersThreadWhenNotRunning) {
  test::temp_dir dir;
  const auto wal = dir / "some.db-wal";
  std::ofstream(wal) << "frames";
  store::detail::wal_syncer syncer(wal);
  bool ran = false, ok = false;
  syncer.after_sync([&](bool synced) {
    ran = true;
    ok = synced;
  });
  EXPECT_TRUE(ran);  // before after_sync returned
  EXPECT_TRUE(ok);
}

// After a failed sync the kernel may have dropped the pages: a later
// successful fdatasync proves nothing, so nothing is acknowledged any more.
TEST(WalSyncer, AFailedSyncFailsEveryLaterBatch) {
  test::temp_dir dir;
  const auto wal = dir / "missing" / "some.db-wal";
  store::detail::wal_syncer syncer(wal);
  syncer.start();
  std::atomic<int> answered{0}, synced{0};
  syncer.after_sync([&](bool ok) {
    ++answered;
    if (ok) ++synced;
  });
  syncer.stop();
  EXPECT_TRUE(syncer.failed());

  std::filesystem::create_directories(wal.parent_path());
  std::ofstream(wal) << "frames";  // the file is there now
  syncer.after_sync([&](bool ok) {
    ++answered;
    if (ok) ++synced;
  });
  EXPECT_EQ(answered.load(), 2);
  EXPECT_EQ(synced.load(), 0);
}

// The VFS tells a commit's sync (deferred) from a checkpoint's (done at once)
// by the flags SQLite passes, which differ only with checkpoint_fullfsync=1.
// If open_connection stopped setting it, a checkpoint could overwrite the
// database file from WAL frames not yet on disk.
TEST(WalBatchingVfs, DefersCommitSyncsButNotCheckpointSyncs) {
  test::temp_dir dir;
  auto opts = test::migrated_options(dir, store::synchronous::full);
  auto db = store::detail::open_connection(opts, store::detail::role::writer);
  db.exec("CREATE TABLE t(x)");  // the WAL's first sync (and its folder's) is done at once

  const auto before = store::detail::wal_sync_counts_now();
  for (int i = 0; i < 5; ++i) db.exec("INSERT INTO t VALUES(" + std::to_string(i) + ")");
  const auto after_commits = store::detail::wal_sync_counts_now();
  EXPECT_EQ(after_commits.deferred - before.deferred, 5u);
  EXPECT_EQ(after_commits.done_inline, before.done_inline);

  db.exec("PRAGMA wal_checkpoint(FULL)");
  const auto after_checkpoint = store::detail::wal_sync_counts_now();
  EXPECT_EQ(after_checkpoint.deferred, after_commits.deferred) << "a checkpoint's WAL sync was deferred";
  EXPECT_GT(after_checkpoint.done_inline, after_commits.done_inline);
}

// With synchronous=normal nothing goes through the VFS or the syncer: a commit
// is answered without any fdatasync, as SQLite's NORMAL promises.
TEST(WalBatchingVfs, NotUsedWithSynchronousNormal) {
  test::temp_dir dir;
  auto opts = test::migrated_options(dir, store::synchronous::normal);
  auto db = store::detail::open_connection(opts, store::detail::role::writer);
  const auto before = store::detail::wal_sync_counts_now();
  db.exec("CREATE TABLE t(x)");
  db.exec("INSERT INTO t VALUES(1)");
  const auto after = store::detail::wal_sync_counts_now();
  EXPECT_EQ(after.deferred, before.deferred);
  EXPECT_EQ(after.done_inline, before.done_inline);
}

}  // namespace
