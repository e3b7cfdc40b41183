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
