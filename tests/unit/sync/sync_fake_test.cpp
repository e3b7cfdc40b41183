// One mailbox's full then incremental sync from the fake RingCentral
// (tests/fake_ringcentral) into a real database, through the real client,
// accept gateway and writer.
#include "client_fixture.hpp"
#include "temp_dir.hpp"

#include "rcvault/accept/gateway.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/sync_state.hpp"
#include "rcvault/store/writer.hpp"
#include "rcvault/sync/runner.hpp"

#include <SQLiteCpp/Database.h>

#include <gtest/gtest.h>

#include <thread>

using namespace rcvault;

namespace {

constexpr std::string_view owner = "2253168021";  // the fake's default owner_id

struct sync_fake_test : ::testing::Test {
  test::fake_process fake{test::high_limits()};
  test::temp_dir dir;
  store::options so;
  std::unique_ptr<store::writer> writer;
  std::unique_ptr<accept::gateway> gateway;

  sync_fake_test() {
    so.path = dir / "archive.db";
    EXPECT_TRUE(store::migrate(so).has_value());
    writer = std::make_unique<store::writer>(so, [](core::event_kind k, std::string_view raw) {
      return ingest::renormalise(k, raw);
    });
    writer->start();
    gateway = std::make_unique<accept::gateway>(*writer);
  }
  ~sync_fake_test() override { writer->stop(); }

  sync::runner_options options() const {
    sync::runner_options o;
    o.client = test::fake_options(fake);
    o.store = so;
    o.sync.heartbeat = std::chrono::milliseconds(500);
    return o;
  }

  sync::pass_result pass(sync::sync_kind kind = sync::sync_kind::automatic, std::vector<std::string> only = {}) {
    sync::runner r(options(), *gateway);
    return r.run_once(kind, only);
  }

  std::int64_t scalar(const std::string& sql) {
    SQLite::Database db(so.path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }
  std::string text(const std::string& sql) {
    SQLite::Database db(so.path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getString();
  }

  std::size_t requests_with(std::string_view part) {
    std::size_t n = 0;
    for (const auto& r : fake.requests("message-sync")) {
      std::string q(r.at("query").as_string());
      if (q.find(part) != std::string::npos) ++n;
    }
    return n;
  }
};

}  // namespace

TEST_F(sync_fake_test, FullThenIncrementalSyncOfOneMailbox) {
  // 2,500 records, ten of them sharing one creationTime across the first
  // page boundary; "always there", so the ISync right after finds none.
  fake.control("POST", "/_fake/messages/generate",
               R"({"extension":"~","count":2500,"types":["SMS"],"ties":[{"index":995,"count":10}],"changed_at":"creation"})");
  auto first = pass();
  ASSERT_TRUE(first.ok()) << (first.error ? first.error->message : first.mailboxes.at(0).error->message);
  ASSERT_EQ(first.mailboxes.size(), 1u);
  const auto& m = first.mailboxes[0];
  EXPECT_EQ(m.extension_id, owner);
  EXPECT_TRUE(m.full);
  EXPECT_EQ(m.records, 2500u);
  EXPECT_EQ(m.created, 2500u);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 2500);
  // conversationId beyond 2^53, digit for digit.
  EXPECT_EQ(scalar("SELECT count(*) FROM messages WHERE conversation_id = '9007199254740993'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages WHERE owner_id = '2253168021'"), 2500);

  auto st = store::read_sync_state(so, owner);
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->sync_token);
  EXPECT_FALSE(st->full);
  EXPECT_EQ(st->records, 2500);
  EXPECT_EQ(st->state, store::mailbox_state::idle);
  EXPECT_TRUE(st->last_full_sync);

  // The second pass is an ISync and changes nothing.
  const auto events = scalar("SELECT count(*) FROM events");
  auto second = pass();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second.mailboxes[0].full);
  EXPECT_EQ(second.mailboxes[0].created, 0u);
  EXPECT_EQ(second.mailboxes[0].updated, 0u);
  EXPECT_EQ(requests_with("syncType=ISync"), 1u);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), events);
}

TEST_F(sync_fake_test, StatusChangeAndDeletionArriveWithTheNextSync) {
  auto added = fake.control("POST", "/_fake/messages",
                            R"({"extension":"~","template":"sms_queued","count":2})");
  const auto& recs = added.at("records").as_array();
  const std::string a = std::to_string(recs.at(0).at("id").to_number<std::int64_t>());
  const std::string b = std::to_string(recs.at(1).at("id").to_number<std::int64_t>());
  ASSERT_TRUE(pass().ok());
  EXPECT_EQ(text("SELECT message_status FROM messages WHERE rc_id = '" + a + "'"), "Queued");

  fake.control("POST", "/_fake/messages/update", R"({"extension":"~","id":)" + a + R"(,"set":{"messageStatus":"Delivered"}})");
  fake.control("POST", "/_fake/messages/delete", R"({"extension":"~","id":)" + b + "}");
  auto next = pass();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next.mailboxes[0].full);
  EXPECT_EQ(text("SELECT message_status FROM messages WHERE rc_id = '" + a + "'"), "Delivered");
  EXPECT_EQ(text("SELECT availability FROM messages WHERE rc_id = '" + b + "'"), "Deleted");
  // The deleted message keeps everything else.
  EXPECT_EQ(text("SELECT message_status FROM messages WHERE rc_id = '" + b + "'"), "Queued");
}

TEST_F(sync_fake_test, RefusedTokenLeadsToAFullSyncWithoutDuplicates) {
  fake.control("POST", "/_fake/messages/generate", R"({"extension":"~","count":1200,"changed_at":"creation"})");
  ASSERT_TRUE(pass().ok());
  const auto messages = scalar("SELECT count(*) FROM messages");
  const auto events = scalar("SELECT count(*) FROM events");
  fake.control("POST", "/_fake/sync-tokens/invalidate", R"({"code":"MSG-333"})");
  auto again = pass();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.mailboxes[0].full);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), messages);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), events);
}

TEST_F(sync_fake_test, ForbiddenMailboxDoesNotStopTheOthers) {
  fake.control("POST", "/_fake/extensions", R"({"extensions":[{"id":1001},{"id":1002}]})");
  fake.control("POST", "/_fake/messages", R"({"extension":"1002","template":"sms","count":3})");
  fake.control("POST", "/_fake/forbidden", R"({"extension":"1001","forbidden":true,"code":"CMN-419"})");
  auto r = pass(sync::sync_kind::automatic, {"1001", "1002"});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.mailboxes.size(), 2u);
  EXPECT_EQ(r.mailboxes[0].state, store::mailbox_state::forbidden);
  EXPECT_EQ(r.mailboxes[0].error->code, "CMN-419");
  EXPECT_EQ(r.mailboxes[1].state, store::mailbox_state::idle);
  EXPECT_EQ(r.mailboxes[1].records, 3u);
  EXPECT_EQ(store::read_sync_state(so, "1001")->state, store::mailbox_state::forbidden);
}

TEST_F(sync_fake_test, APassWhileAnotherProcessHoldsTheLeaseNamesIt) {
  ASSERT_TRUE(store::acquire_sync_lease(so, "elsewhere pid 4242", std::chrono::seconds(30)));
  // The default heartbeat: the lease stays fresh however slow the machine is.
  auto o = options();
  o.sync.heartbeat = std::chrono::seconds(10);
  sync::runner runner(o, *gateway);
  auto r = runner.run_once(sync::sync_kind::automatic);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, "lease");
  EXPECT_NE(r.error->message.find("elsewhere pid 4242"), std::string::npos);
  EXPECT_TRUE(r.mailboxes.empty());
}

TEST_F(sync_fake_test, RefusedJwtFailsThePassWithItsCode) {
  fake.control("POST", "/_fake/jwt", R"({"refuse":true})");
  auto r = pass();
  ASSERT_TRUE(r.error);
  EXPECT_FALSE(r.ok());
}

TEST_F(sync_fake_test, RecordsInTheStatusMoveWithEachPageStored) {
  // /v1/sync's "records" (status()) while a 3,500-record full sync runs, read
  // after each page: it counts the pages already committed, not only the end.
  fake.control("POST", "/_fake/messages/generate", R"({"extension":"~","count":3500,"changed_at":"creation"})");
  sync::runner r(options(), *gateway);
  std::vector<std::int64_t> seen;
  auto result = r.run_once(sync::sync_kind::automatic, {}, [&](const sync::progress&) {
    for (const auto& m : r.status().extensions)
      if (m.extension_id == owner) seen.push_back(m.records);
  });
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(seen.size(), 4u);  // pages of 1,000
  // After page n's records were handed over, the n-1 pages before it are
  // committed (each walk-back page repeats the last one's oldest record: 999 new).
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i], static_cast<std::int64_t>(999 * i + 1)) << "after page " << i + 1;
    EXPECT_GE(seen[i], seen[i - 1]);
  }
  EXPECT_LE(seen.back(), 3500);
  ASSERT_EQ(r.status().extensions.size(), 1u);
  EXPECT_EQ(r.status().extensions[0].records, 3500);
}

namespace {

// The fake's log entries matching `path_regex`, once there are at least `n`
// of them, or what there is when `deadline` passed.
std::vector<boost::json::object> wait_for_requests(test::fake_process& fake, std::string_view path_regex, std::size_t n,
                                                   std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    auto log = fake.requests(path_regex);
    if (log.size() >= n || std::chrono::steady_clock::now() > until) return log;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling the fake's log, not waiting for readiness
  }
}

}  // namespace

TEST_F(sync_fake_test, ServeListsTheExtensionsAgainEveryRelistInterval) {
  fake.control("POST", "/_fake/extensions", R"({"extensions":[{"id":1001}]})");
  auto o = options();
  o.sync.selection = sync::mailbox_selection::all;
  o.sync.relist_interval = std::chrono::seconds(1);  // an hour in service
  o.sync.interval = std::chrono::seconds(600);
  sync::runner r(o, *gateway);
  r.start();
  auto lists = wait_for_requests(fake, "/extension$", 3, std::chrono::seconds(20));
  r.stop();
  ASSERT_GE(lists.size(), 3u) << "the extension list was not read again";
  for (std::size_t i = 1; i < lists.size(); ++i)
    EXPECT_GE(test::time_of(lists[i]) - test::time_of(lists[i - 1]), 0.99) << "listing " << i;
  // The mailbox was synced once meanwhile (its interval is 10 minutes).
  EXPECT_EQ(fake.requests("/extension/1001/message-sync").size(), 1u);
}

TEST_F(sync_fake_test, ServeBacksOffAFailingMailboxDoublingTheWait) {
  fake.control("POST", "/_fake/extensions", R"({"extensions":[{"id":1001}]})");
  fake.control("POST", "/_fake/faults", R"({"path":"message-sync","count":100,"action":"respond","status":503})");
  auto o = options();
  o.client.max_attempts = 1;  // the client's own retries aside: each pass fails at once
  o.sync.selection = sync::mailbox_selection::list;
  o.sync.extensions = {"1001"};
  o.sync.backoff_min = std::chrono::milliseconds(250);
  o.sync.interval = std::chrono::seconds(600);
  sync::runner r(o, *gateway);
  r.start();
  auto tries = wait_for_requests(fake, "message-sync", 5, std::chrono::seconds(20));
  // The fake logs a request before the runner has read its 503: wait until
  // that failure is recorded, so stop() does not find the mailbox mid-pass.
  const auto recorded = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < recorded &&
         (r.status().extensions.size() != 1 || r.status().extensions[0].state != store::mailbox_state::backoff))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the status, not waiting for readiness
  r.stop();
  ASSERT_GE(tries.size(), 5u) << "the failing mailbox was not tried again";
  // 0.25, 0.5, 1, 2 s apart: each wait at least the doubled one, and well short of the interval.
  double expected = 0.25;
  for (std::size_t i = 1; i < 5; ++i, expected *= 2) {
    const double gap = test::time_of(tries[i]) - test::time_of(tries[i - 1]);
    EXPECT_GE(gap, expected - 0.01) << "try " << i;
    EXPECT_LT(gap, expected + 2.0) << "try " << i;
  }
  ASSERT_EQ(r.status().extensions.size(), 1u);
  EXPECT_EQ(r.status().extensions[0].state, store::mailbox_state::backoff);
}
