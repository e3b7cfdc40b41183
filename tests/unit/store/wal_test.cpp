// The write-ahead log under sustained writes with synchronous=full: the
// checkpointer thread copies it back and the writer starts it over, so it
// stays bounded; and what was acknowledged is in the database file after stop.
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

namespace {

using namespace rcvault;

constexpr core::millis t0 = 1'760'000'000'000;

// A message whose rows touch a few pages: a long subject, two parties and a
// random-looking conversation id.
core::message busy_sms(int i) {
  core::message m;
  m.id = std::to_string(7'000'000 + i);
  m.type = "SMS";
  m.direction = i % 2 ? "Inbound" : "Outbound";
  std::string subject = "wal test " + std::to_string(i);
  for (int w = 0; w < 20; ++w) subject += " word" + std::to_string((i * 31 + w * 7) % 997);
  m.subject = subject;
  m.conversation_id = std::to_string(100'000 + (i * 7919) % 50'000);
  m.creation_time = t0 + static_cast<core::millis>((i * 7919) % 100'000) * 1000;
  m.last_modified_time = m.creation_time;
  core::party from, to;
  from.phone_number = "+1650555" + std::to_string(1000 + (i * 13) % 9000);
  to.phone_number = "+16505550100";
  m.from = from;
  m.to = std::vector<core::party>{to};
  return m;
}

std::uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

// Without a checkpoint that catches up, a busy writer's WAL grows by every
// page it writes; with it, it stays under the pacing's limit_pages. The
// pacing here is a tenth of the default, so the test sees many restarts.
TEST(StoreWal, StaysBoundedWhileTheWriterIsBusy) {
  test::temp_dir dir;
  auto opts = test::migrated_options(dir, store::synchronous::full);
  opts.batch_max = 16;
  opts.wal = {.checkpoint_step = 400, .closing_pages = 1600, .restart_pages = 4000, .limit_pages = 4800};
  test::fake_bodies bodies;
  store::writer w(opts, bodies.renormaliser());
  w.start();

  constexpr int waves = 12, per_wave = 1000;
  std::uintmax_t largest_wal = 0;
  int stored = 0;
  for (int wave = 0; wave < waves; ++wave) {
    std::vector<std::future<store::write_result>> acks;
    for (int k = 0; k < per_wave; ++k) {
      const int i = wave * per_wave + k;
      auto p = std::make_shared<std::promise<store::write_result>>();
      acks.push_back(p->get_future());
      w.submit(test::message_notification(bodies, "wal-" + std::to_string(i), t0 + i, busy_sms(i)),
               [p](const store::write_result& r) { p->set_value(r); });
    }
    for (auto& a : acks)
      if (a.get().status == store::write_status::stored) ++stored;
    largest_wal = std::max(largest_wal, size_of(opts.path.string() + "-wal"));
  }
  w.stop();

  EXPECT_EQ(stored, waves * per_wave);
  // 750 commits of 16 notifications write well over 100 MiB of page
  // versions: an unbounded WAL would hold them all. 4,800 pages of 4 KiB
  // plus frame headers, and one batch past the limit, stay under 24 MiB.
  EXPECT_LT(largest_wal, 24u << 20) << "largest WAL " << largest_wal << " bytes";
  EXPECT_EQ(test::query_int(opts, "SELECT count(*) FROM messages"), waves * per_wave);
  EXPECT_EQ(test::fts_matches(opts, "wal"), waves * per_wave);
  EXPECT_EQ(test::query_string(opts, "PRAGMA integrity_check"), "ok");
}

}  // namespace
