// Readers on plain read-only SQLite connections see consistent snapshots while
// the writer commits batches. Also run under ThreadSanitizer in CI.
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using namespace rcvault;

constexpr core::millis t0 = 1'750'000'000'000;
constexpr int total = 3000;

core::message sms(int i) {
  core::message m;
  m.id = std::to_string(900000 + i);
  m.type = "SMS";
  m.direction = i % 2 ? "Inbound" : "Outbound";
  m.subject = "message number " + std::to_string(i);
  m.creation_time = t0 + i;
  m.last_modified_time = t0 + i;
  core::party from, to;
  from.phone_number = "+1650555" + std::to_string(1000 + i % 100);
  to.phone_number = "+16505550100";
  m.from = from;
  m.to = std::vector<core::party>{to};
  return m;
}

struct snapshot_counts {
  std::int64_t messages_counter, messages_rows, events_counter, events_rows, parties_rows, fts_rows;
};

snapshot_counts read_snapshot(SQLite::Database& db) {
  SQLite::Transaction tx(db);  // one read transaction: one WAL snapshot
  snapshot_counts s{};
  s.messages_counter = db.execAndGet("SELECT coalesce((SELECT value FROM counters WHERE name='messages.total'),0)").getInt64();
  s.messages_rows = db.execAndGet("SELECT count(*) FROM messages").getInt64();
  s.events_counter = db.execAndGet("SELECT coalesce((SELECT value FROM counters WHERE name='events.total'),0)").getInt64();
  s.events_rows = db.execAndGet("SELECT count(*) FROM events").getInt64();
  s.parties_rows = db.execAndGet("SELECT count(*) FROM parties").getInt64();
  s.fts_rows = db.execAndGet("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'message'").getInt64();
  return s;
}

// Under synchronous=full the writer's WAL writes go through the batching VFS
// (flushed at each commit's sync); readers must never see a commit before its
// bytes are in the file.
class StoreConcurrency : public ::testing::TestWithParam<store::synchronous> {};

TEST_P(StoreConcurrency, ReadersSeeConsistentSnapshotsWhileWriterCommits) {
  test::temp_dir dir;
  auto opts = test::migrated_options(dir, GetParam());
  opts.batch_max = 16;
  test::fake_bodies bodies;
  std::vector<core::notification> work;
  for (int i = 0; i < total; ++i)
    work.push_back(test::message_notification(bodies, "c" + std::to_string(i), t0 + i, sms(i)));

  store::writer w(opts, bodies.renormaliser());
  w.start();
  std::atomic<bool> done{false};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> readers;
  std::atomic<int> snapshots{0}, inconsistent{0}, went_back{0};
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      SQLite::Database db(opts.path.string(), SQLite::OPEN_READONLY, test::read_busy_timeout_ms);
      std::int64_t last = 0;
      while (!done.load()) {
        const int acked_before = acknowledged.load();
        auto s = read_snapshot(db);
        if (s.messages_counter != s.messages_rows || s.events_counter != s.events_rows ||
            s.parties_rows != 2 * s.messages_rows || s.fts_rows != s.messages_rows)
          ++inconsistent;
        // Acknowledged means committed: a later snapshot holds at least those.
        if (s.events_rows < acked_before || s.events_rows < last) ++went_back;
        last = s.events_rows;
        ++snapshots;
      }
    });
  }
  for (auto& n : work)
    w.submit(std::move(n), [&](const store::write_result& r) {
      if (r.status == store::write_status::stored) ++acknowledged;
    });
  w.stop();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(acknowledged.load(), total);
  EXPECT_GT(snapshots.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(went_back.load(), 0);
  EXPECT_EQ(test::query_int(opts, "SELECT count(*) FROM messages"), total);
}

INSTANTIATE_TEST_SUITE_P(Sync, StoreConcurrency,
                         ::testing::Values(store::synchronous::normal, store::synchronous::full),
                         [](const auto& info) { return info.param == store::synchronous::full ? "full" : "normal"; });

}  // namespace
