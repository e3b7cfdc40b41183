// The one way in: a real writer on a temp database behind the gateway. What a
// user would notice: dead letters of the webhook, the background lane that
// never takes the webhook's room, webhook items committed first, checkpoints
// committed with (never before) the records queued before them.
#include "rcvault/accept/gateway.hpp"
#include "rcvault/ingest/parse.hpp"

#include "../store/store_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rcvault::accept {
namespace {

std::string sms_envelope(const std::string& uuid, const std::string& id, const std::string& extension = "11") {
  return R"({"uuid":")" + uuid + R"(","event":"/restapi/v1.0/account/~/extension/)" + extension +
         R"(/message-store/instant?type=SMS","ownerId":"11","timestamp":"2025-03-01T10:00:01Z",)"
         R"("body":{"id":")" + id + R"(","type":"SMS","direction":"Inbound",)"
         R"("from":{"phoneNumber":"+16505550100"},"to":[{"phoneNumber":"+16505550111"}],)"
         R"("creationTime":"2025-03-01T10:00:00Z","lastModifiedTime":"2025-03-01T10:00:00Z","subject":"hi"}})";
}

core::result<core::notification> parsed(const std::string& raw) { return ingest::parse_envelope(raw); }

store::options small_queue(const test::temp_dir& dir, std::size_t queue_max, std::size_t batch_max,
                           std::size_t background_batch_max = store::options{}.background_batch_max) {
  auto o = test::migrated_options(dir);
  o.queue_max = queue_max;
  o.batch_max = batch_max;
  o.background_batch_max = background_batch_max;
  return o;
}

// Collects outcomes in completion order.
struct recorder {
  std::mutex mu;
  std::vector<std::string> order;  // uuid, or "cp:<extension>" for checkpoints
  std::vector<outcome> outcomes;

  completion record() {
    return [this](const outcome& o) {
      std::lock_guard lk(mu);
      order.push_back(o.uuid);
      outcomes.push_back(o);
    };
  }
  std::function<void(bool)> checkpoint(std::string name) {
    return [this, name](bool committed) {
      std::lock_guard lk(mu);
      order.push_back((committed ? "cp:" : "failed-cp:") + name);
    };
  }
};

// A writer on a small queue (not started: nothing drains until start()), its
// gateway and a recorder of the outcomes.
struct lanes {
  test::temp_dir dir;
  store::writer w;
  gateway g{w};
  recorder rec;

  lanes(std::size_t queue_max, std::size_t batch_max,
        std::size_t background_batch_max = store::options{}.background_batch_max)
      : w(small_queue(dir, queue_max, batch_max, background_batch_max), &ingest::renormalise) {}

  // Queues `n` synced records "<prefix>-0".. (message ids from 100); each must fit.
  void sync_records(const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(g.try_accept(parsed(sms_envelope(prefix + "-" + std::to_string(i), std::to_string(100 + i))),
                               source::api, rec.record()));
  }
  // Posts `n` webhook notifications "wh-0".. (message ids from 200).
  void webhooks(int n) {
    for (int i = 0; i < n; ++i) {
      const auto body = sms_envelope("wh-" + std::to_string(i), std::to_string(200 + i));
      g.accept_now(parsed(body), body, rec.record());
    }
  }
};

TEST(Gateway, WebhookBodyThatDoesNotParseBecomesADeadLetterWithItsFirstBytes) {
  test::temp_dir dir;
  auto o = test::migrated_options(dir);
  {
    store::writer w(o, &ingest::renormalise);
    w.start();
    gateway g(w);
    const std::string body = "[" + std::string(1000, ' ');
    std::promise<outcome> p;
    g.accept_now(parsed(body), body, [&](const outcome& r) { p.set_value(r); });
    const auto r = p.get_future().get();
    EXPECT_EQ(r.state, outcome::status::refused);
    ASSERT_TRUE(r.refusal);
    EXPECT_EQ(r.refusal->code, core::errc::invalid_json);
    w.stop();
  }
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM rejected"), 1);
  EXPECT_EQ(test::query_int(o, "SELECT size FROM rejected"), 1001);
  EXPECT_EQ(test::query_int(o, "SELECT length(head) FROM rejected"), 256);
  EXPECT_EQ(test::query_string(o, "SELECT code FROM rejected"), "invalid_json");
}

TEST(Gateway, ImportOrSyncItemThatDoesNotParseIsRefusedWithoutADeadLetter) {
  test::temp_dir dir;
  auto o = test::migrated_options(dir);
  {
    store::writer w(o, &ingest::renormalise);
    w.start();
    gateway g(w);
    std::promise<outcome> p;
    EXPECT_TRUE(g.try_accept(parsed("not json"), source::import, [&](const outcome& r) { p.set_value(r); }));
    EXPECT_EQ(p.get_future().get().state, outcome::status::refused);
    w.stop();
  }
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM rejected"), 0);
}

TEST(Gateway, BackgroundLaneFillsAtMostHalfTheQueueAndLeavesTheRestToTheWebhook) {
  lanes l(8, 512);
  auto& w = l.w;
  auto& g = l.g;
  auto& rec = l.rec;
  int background = 0;
  for (int i = 0; i < 10; ++i) {
    auto item = parsed(sms_envelope("bg-" + std::to_string(i), std::to_string(100 + i)));
    if (!g.try_accept(std::move(item), source::api, rec.record())) break;
    ++background;
  }
  EXPECT_EQ(background, 4);
  // The refused item was not consumed: it can be offered again later.
  auto kept = parsed(sms_envelope("bg-kept", "199"));
  EXPECT_FALSE(g.try_accept(std::move(kept), source::api, rec.record()));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->uuid, "bg-kept");

  std::atomic<int> webhook_unavailable{0};
  for (int i = 0; i < 5; ++i) {
    const auto body = sms_envelope("wh-" + std::to_string(i), std::to_string(200 + i));
    g.accept_now(parsed(body), body, [&](const outcome& r) {
      if (r.state == outcome::status::unavailable) ++webhook_unavailable;
    });
  }
  // 4 background + 4 webhook fill the 8 places; the fifth webhook item is refused at once.
  EXPECT_EQ(webhook_unavailable.load(), 1);

  std::promise<void> room;
  g.when_room([&] { room.set_value(); });
  w.start();
  room.get_future().get();  // the writer took the background items: room again
  EXPECT_TRUE(g.try_accept(std::move(kept), source::api, rec.record()));
  w.stop();
  std::lock_guard lk(rec.mu);
  EXPECT_EQ(rec.outcomes.size(), 5u);
}

TEST(Gateway, WriterTakesWebhookItemsBeforeBackgroundOnes) {
  lanes l(64, 1);  // one item per batch: commit order is visible
  ASSERT_NO_FATAL_FAILURE(l.sync_records("bg", 3));
  l.webhooks(1);
  l.w.start();
  l.w.stop();
  std::lock_guard lk(l.rec.mu);
  ASSERT_EQ(l.rec.order.size(), 4u);
  EXPECT_EQ(l.rec.order[0], "wh-0");
  EXPECT_EQ(l.rec.order[1], "bg-0");
  EXPECT_EQ(l.rec.order[3], "bg-2");
}

TEST(Gateway, ABatchTakesAtMostBackgroundBatchMaxSyncedItemsButAnyNumberOfWebhookOnes) {
  lanes l(64, 512, 4);
  ASSERT_NO_FATAL_FAILURE(l.sync_records("bg", 10));
  l.webhooks(6);
  l.w.start();
  l.w.stop();
  // 6 webhook + 4 synced, then 4, then 2: three batches, not one.
  EXPECT_EQ(l.w.snapshot().batches, 3u);
  std::lock_guard lk(l.rec.mu);
  EXPECT_EQ(l.rec.outcomes.size(), 16u);
}

TEST(Gateway, WithoutWebhooksABatchTakesUpToBatchMaxSyncedItems) {
  // An import or a sync alone is not held to background_batch_max: it commits
  // in full batches (docs/ingest.md).
  lanes l(64, 512, 4);
  ASSERT_NO_FATAL_FAILURE(l.sync_records("bg", 10));
  l.w.start();
  l.w.stop();
  EXPECT_EQ(l.w.snapshot().batches, 1u);
  std::lock_guard lk(l.rec.mu);
  EXPECT_EQ(l.rec.outcomes.size(), 10u);
}

TEST(Gateway, CheckpointCommitsAfterTheRecordsQueuedBeforeIt) {
  lanes l(64, 2);
  ASSERT_NO_FATAL_FAILURE(l.sync_records("r", 3));
  store::sync_checkpoint cp;
  cp.extension_id = "11";
  ASSERT_TRUE(l.g.try_checkpoint(cp, l.rec.checkpoint("11")));
  l.w.start();
  l.w.stop();
  std::lock_guard lk(l.rec.mu);
  ASSERT_EQ(l.rec.order.size(), 4u);
  EXPECT_EQ(l.rec.order.back(), "cp:11");
}

TEST(Gateway, AStoredItemTellsTheObserverItsKindAndMailbox) {
  test::temp_dir dir;
  auto o = test::migrated_options(dir);
  store::writer w(o, &ingest::renormalise);
  w.start();
  gateway g(w);
  std::promise<stored_item> seen;
  g.observe_stored([&](const stored_item& s) { seen.set_value(s); });
  const auto body = R"({"uuid":"c-1","event":"/restapi/v1.0/account/~/extension/777/message-store",)"
                    R"("ownerId":"11","timestamp":"2025-03-01T10:00:01Z","body":{"changes":[{"type":"SMS",)"
                    R"("newCount":1,"updatedCount":0,"newMessageIds":[5]}]}})";
  g.accept_now(parsed(body), body, nullptr);
  const auto s = seen.get_future().get();
  EXPECT_EQ(s.kind, core::event_kind::message_store_changes);
  EXPECT_EQ(s.mailbox, "777");
  EXPECT_EQ(s.from, source::webhook);
  w.stop();
}

TEST(Gateway, ImportWaitsForRoomInsteadOfFailing) {
  test::temp_dir dir;
  auto o = small_queue(dir, 4, 1);
  store::writer w(o, &ingest::renormalise);
  w.start();
  gateway g(w);
  recorder rec;
  for (int i = 0; i < 50; ++i)
    g.accept_waiting(parsed(sms_envelope("imp-" + std::to_string(i), std::to_string(100 + i))), source::import,
                     rec.record());
  w.stop();
  std::lock_guard lk(rec.mu);
  ASSERT_EQ(rec.outcomes.size(), 50u);
  for (const auto& r : rec.outcomes) EXPECT_EQ(r.state, outcome::status::stored);
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM messages"), 50);
}

TEST(Gateway, StubOfAMessageNeverStoredIsKeptAsUnnormalised) {
  test::temp_dir dir;
  auto o = test::migrated_options(dir);
  {
    store::writer w(o, &ingest::renormalise);
    w.start();
    gateway g(w);
    core::notification n;
    n.uuid = "api:9001:Deleted:2025-03-02T00:00:00.000Z";
    n.kind = core::event_kind::api_record;
    n.raw = R"({"id":9001,"availability":"Deleted"})";
    n.timestamp = 1740873600000;
    n.stub = true;
    core::message m;
    m.id = "9001";
    m.availability = "Deleted";
    n.msg = m;
    std::promise<outcome> p;
    ASSERT_TRUE(g.try_accept(core::result<core::notification>(std::move(n)), source::api,
                             [&](const outcome& r) { p.set_value(r); }));
    const auto r = p.get_future().get();
    EXPECT_EQ(r.state, outcome::status::stored);
    EXPECT_EQ(r.applied, core::outcome::unnormalised);
    EXPECT_FALSE(r.message_created);
    w.stop();
  }
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(test::query_string(o, "SELECT reason FROM events"), "stub_without_message");
}

}  // namespace
}  // namespace rcvault::accept
