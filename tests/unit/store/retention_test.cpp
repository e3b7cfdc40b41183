// Retention (options::retention_days, docs/retention.md): the writer removes
// exactly the messages created before the cutoff, with their events, parties,
// full-text entries, attachment rows and files no other message uses, keeps
// the counters true, and refuses late updates of what it removed.
#include "erasure_support.hpp"

#include <fmt/format.h>

#include <set>

namespace {

using namespace rcvault;
using test::counter;
using test::query_int;

constexpr core::millis day = 86'400'000;

// Waits (without a fixed sleep) until the counter reaches `want`, at most 60 s.
bool wait_for_counter(const store::options& o, const std::string& name, std::int64_t want) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (counter(o, name) >= want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// A migrated database in a folder of its own, the attachments folder in it,
// and the time the messages are dated from.
struct retention_fixture {
  test::temp_dir dir;
  store::options opts = test::migrated_options(dir);
  std::filesystem::path files = dir / "attachments";
  test::fake_bodies bodies;
  core::millis now = test::wall_now();
};

TEST(Retention, RemovesExactlyTheOldMessagesAndCountersAgree) {
  retention_fixture f;
  constexpr int old_count = 600;  // more than two retention steps
  std::set<std::string> kept;
  {
    store::writer w(f.opts, f.bodies.renormaliser());
    w.start();
    for (int i = 0; i < old_count; ++i) {
      auto m = test::sms("old" + std::to_string(i), "+16505550100", "+12125550000", f.now - 40 * day + i,
                         i == 7 ? "ancientword here" : "old text", i % 2 ? "Inbound" : "Outbound");
      if (i % 3 == 0) m.type = "Fax";
      ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("uo" + std::to_string(i), m)).status,
                store::write_status::stored);
    }
    for (int i = 0; i < 50; ++i) {
      const auto id = "new" + std::to_string(i);
      // One just inside the window (29 days), the rest recent.
      auto m = test::sms(id, "+14155550123", "+12125550000", i == 0 ? f.now - 29 * day : f.now - day + i, "fresh text");
      ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("un" + std::to_string(i), m)).status,
                store::write_status::stored);
      kept.insert(id);
    }
    // Content of an old message only, and content an old and a kept message share.
    core::attachment a;
    a.id = "att";
    a.uri = "https://media.example/att";
    a.type = "MmsAttachment";
    auto old_mms = test::sms("old-mms", "+16505550100", "+12125550000", f.now - 50 * day, "picture");
    old_mms.attachments = std::vector<core::attachment>{a};
    auto old_shared = test::sms("old-shared", "+16505550100", "+12125550000", f.now - 50 * day + 1, "picture");
    old_shared.attachments = std::vector<core::attachment>{a};
    auto new_shared = test::sms("new-shared", "+14155550123", "+12125550000", f.now - day, "picture");
    new_shared.attachments = std::vector<core::attachment>{a};
    kept.insert("new-shared");
    for (const auto& m : {old_mms, old_shared, new_shared})
      ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("u-" + m.id, m)).status, store::write_status::stored);
    auto row = [&](const std::string& id) {
      return query_int(f.opts, "SELECT id FROM messages WHERE rc_id='" + id + "'");
    };
    test::store_content(w, f.files, row("old-mms"), "att", std::string(64, 'a'), "old only");
    test::store_content(w, f.files, row("old-shared"), "att", std::string(64, 'b'), "shared");
    test::store_content(w, f.files, row("new-shared"), "att", std::string(64, 'b'), "shared");
    w.stop();
  }
  ASSERT_EQ(test::fts_matches(f.opts, "ancientword"), 1);

  auto with_retention = f.opts;
  with_retention.retention_days = 30;
  with_retention.attachments_dir = f.files;
  store::writer w(with_retention, f.bodies.renormaliser());
  w.start();
  ASSERT_TRUE(wait_for_counter(f.opts, "retention.messages", old_count + 2));
  // A late update of a removed message is acknowledged and not stored.
  auto late = test::sms("old3", "+16505550100", "+12125550000", f.now - 40 * day + 3, "late");
  late.last_modified_time = f.now;
  EXPECT_EQ(test::submit_and_wait(w, test::raw_notification("u-late", late)).status, store::write_status::duplicate);
  w.stop();

  std::set<std::string> left;
  SQLite::Database db(f.opts.path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT rc_id FROM messages");
  while (q.executeStep()) left.insert(q.getColumn(0).getString());
  EXPECT_EQ(left, kept);
  EXPECT_EQ(counter(f.opts, "retention.messages"), old_count + 2);
  EXPECT_EQ(counter(f.opts, "retention.events"), old_count + 2);
  EXPECT_EQ(counter(f.opts, "retention.refused"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE message_id IS NULL OR uuid='u-late'"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE digits='16505550100'"), 0);
  EXPECT_EQ(test::fts_matches(f.opts, "ancientword"), 0);
  EXPECT_EQ(test::fts_matches(f.opts, "fresh"), 50);
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
  EXPECT_FALSE(std::filesystem::exists(store::content_path(f.files, std::string(64, 'a'))));
  EXPECT_TRUE(std::filesystem::exists(store::content_path(f.files, std::string(64, 'b'))));
  test::expect_counters_match_rows(f.opts);
  EXPECT_EQ(counter(f.opts, "messages.type.Fax"), 0);
}

// While webhooks keep arriving the writer removes in short steps (at most 64
// messages, pieces of 8 for at most 3 ms: retention.hpp) between batches; the
// end is the same: every old message gone with its content file, every
// webhook stored, the counters true.
TEST(Retention, RemovesEverythingInShortStepsWhileWebhooksArrive) {
  retention_fixture f;
  constexpr int old_count = 200;  // more than three busy steps
  core::attachment a;
  a.id = "att";
  a.uri = "https://media.example/att";
  a.type = "MmsAttachment";
  auto sha = [](int i) { return fmt::format("{:064x}", i + 1); };
  {
    store::writer w(f.opts, f.bodies.renormaliser());
    w.start();
    for (int i = 0; i < old_count; ++i) {
      const auto id = "old" + std::to_string(i);
      auto m = test::sms(id, "+16505550100", "+12125550000", f.now - 40 * day + i, "old text");
      m.attachments = std::vector<core::attachment>{a};
      ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("uo" + std::to_string(i), m)).status,
                store::write_status::stored);
      const auto row = query_int(f.opts, "SELECT id FROM messages WHERE rc_id='" + id + "'");
      test::store_content(w, f.files, row, "att", sha(i), "content " + std::to_string(i));
    }
    w.stop();
  }

  auto with_retention = f.opts;
  with_retention.retention_days = 30;
  with_retention.attachments_dir = f.files;
  store::writer w(with_retention, f.bodies.renormaliser());
  int sent = 0;
  auto webhook = [&] {
    const int i = sent++;
    auto m = test::sms("new" + std::to_string(i), "+14155550123", "+12125550000", f.now - day + i, "fresh text");
    return test::raw_notification("un" + std::to_string(i), m);
  };
  // Queued before the writer starts, so that its first retention step already
  // sees webhooks arriving and takes the busy pace.
  w.submit(webhook(), nullptr);
  w.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (counter(f.opts, "retention.messages") < old_count && std::chrono::steady_clock::now() < deadline)
    ASSERT_EQ(test::submit_and_wait(w, webhook()).status, store::write_status::stored);
  w.stop();

  EXPECT_EQ(counter(f.opts, "retention.messages"), old_count);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id LIKE 'old%'"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id LIKE 'new%'"), sent);
  EXPECT_GT(sent, 1);
  int left_files = 0;
  for (int i = 0; i < old_count; ++i) left_files += std::filesystem::exists(store::content_path(f.files, sha(i)));
  EXPECT_EQ(left_files, 0);
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
  test::expect_counters_match_rows(f.opts);
}

TEST(Retention, WithoutRetentionDaysNothingIsRemoved) {
  retention_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  auto m = test::sms("ancient", "+16505550100", "+12125550000", 1'000'000'000'000, "from 2001");
  EXPECT_EQ(test::submit_and_wait(w, test::raw_notification("u1", m)).status, store::write_status::stored);
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(counter(f.opts, "retention.messages"), 0);
}

}  // namespace
