// rcvault erase's store side (store::erase, docs/retention.md): what it
// removes, what it leaves byte-identical, and that tombstones keep the erased
// from coming back, also while the writer runs.
#include "erasure_support.hpp"

#include "rcvault/store/erasure.hpp"

#include <atomic>
#include <iostream>
#include <mutex>
#include <set>

namespace {

using namespace rcvault;
using test::counter;
using test::query_int;

constexpr core::millis t0 = 1'750'000'000'000;
const std::string erased_number = "+16505550100";
const std::string other_number = "+14155550123";
const std::string owner_number = "+12125550000";

struct erase_fixture {
  test::temp_dir dir;
  store::options opts = test::migrated_options(dir);
  std::filesystem::path files = dir / "attachments";
  test::fake_bodies bodies;
};

core::message with_image(core::message m, const std::string& att) {
  core::attachment a;
  a.id = att;
  a.uri = "https://media.example/" + att;
  a.type = "MmsAttachment";
  a.content_type = "image/png";
  m.attachments = std::vector<core::attachment>{a};
  return m;
}

store::erase_request by_number(const std::string& n) {
  store::erase_request r;
  r.phone_number = n;
  return r;
}

// What a user of the erased number's counterpart sees of the messages kept.
std::string kept_rows(const store::options& o) {
  return test::rows_text(o, "SELECT * FROM messages WHERE rc_id IN ('k1','k2') ORDER BY id") +
         test::rows_text(o, "SELECT * FROM parties WHERE message_id IN (SELECT id FROM messages WHERE rc_id IN "
                            "('k1','k2')) ORDER BY message_id, position") +
         test::rows_text(o, "SELECT * FROM events WHERE message_id IN (SELECT id FROM messages WHERE rc_id IN "
                            "('k1','k2')) ORDER BY id") +
         test::rows_text(o, "SELECT * FROM attachment_archive WHERE message_id IN (SELECT id FROM messages WHERE "
                            "rc_id IN ('k1','k2')) ORDER BY message_id");
}

// Messages e1, e2 (the erased number as sender, as recipient in national
// form), k1, k2 (other numbers; k1 shares e1's attachment content), an
// unnormalised event and a dead letter naming the number.
void fill(erase_fixture& f) {
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  auto e1 = with_image(test::sms("e1", erased_number, owner_number, t0, "zebraquux meet at noon"), "a-e1");
  auto e2 = test::sms("e2", owner_number, "(650) 555-0100", t0 + 1000, "zebraquux again", "Outbound");
  auto k1 = with_image(test::sms("k1", other_number, owner_number, t0 + 2000, "hello kept"), "a-k1");
  auto k2 = test::sms("k2", owner_number, other_number, t0 + 3000, "kept reply", "Outbound");
  for (const auto& [uuid, m] : std::vector<std::pair<std::string, core::message>>{
           {"u-e1", e1}, {"u-e2", e2}, {"u-k1", k1}, {"u-k2", k2}}) {
    ASSERT_EQ(test::submit_and_wait(w, test::raw_notification(uuid, m)).status, store::write_status::stored);
  }
  // A newer version of e1 (a second raw event of the message).
  auto e1b = e1;
  e1b.read_status = "Read";
  e1b.last_modified_time = t0 + 60'000;
  ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("u-e1b", e1b)).status, store::write_status::stored);
  core::notification un;
  un.uuid = "u-un";
  un.event = "/restapi/v1.0/account/~/extension/11/message-store/instant?type=SMS";
  un.kind = core::event_kind::instant_message;
  un.raw = "{\"uuid\":\"u-un\",\"body\":{\"from\":{\"phoneNumber\":\"+16505550100\"},\"oops\":1}}";
  un.unnormalised_reason = "no id";
  ASSERT_EQ(test::submit_and_wait(w, un).status, store::write_status::stored);
  store::rejected_request dead;
  dead.code = "invalid_json";
  dead.message = "bad";
  dead.head = "{\"body\":{\"from\":{\"phoneNumber\":\"650-555-0100\"";
  dead.size = dead.head.size();
  w.reject(dead);
  const auto row = [&](const std::string& id) {
    return query_int(f.opts, "SELECT id FROM messages WHERE rc_id='" + id + "'");
  };
  test::store_content(w, f.files, row("e1"), "a-e1", std::string(64, 'a'), "erased picture");
  test::store_content(w, f.files, row("k1"), "a-k1", std::string(64, 'b'), "kept picture");
  w.stop();
}

TEST(Erase, NumberLeavesNoTraceAndOtherMessagesStayByteIdentical) {
  erase_fixture f;
  fill(f);
  // A third message shares e1's picture: that content file must stay.
  {
    store::writer w(f.opts, f.bodies.renormaliser());
    w.start();
    auto k3 = with_image(test::sms("k3", other_number, owner_number, t0 + 4000, "same picture"), "a-k3");
    ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("u-k3", k3)).status, store::write_status::stored);
    test::store_content(w, f.files, query_int(f.opts, "SELECT id FROM messages WHERE rc_id='k3'"), "a-k3",
                        std::string(64, 'c'), "third picture");
    w.stop();
  }
  ASSERT_EQ(query_int(f.opts, "SELECT count(*) FROM rejected"), 1);
  ASSERT_NE(test::database_bytes(f.opts).find("6505550100"), std::string::npos);
  const auto before = kept_rows(f.opts);

  auto dry = by_number("650-555-0100");
  dry.dry_run = true;
  auto would = store::erase(f.opts, dry, f.files);
  ASSERT_TRUE(would) << would.error().message;
  EXPECT_EQ(would->messages, 2);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages"), 5);  // a dry run changes nothing

  auto done = store::erase(f.opts, by_number("650-555-0100"), f.files);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->messages, 2);
  EXPECT_EQ(done->events, 4);  // e1 twice, e2, the unnormalised one
  EXPECT_EQ(done->rejected, 1);
  EXPECT_EQ(done->attachment_files, 1);
  EXPECT_TRUE(done->index_merged);
  EXPECT_TRUE(done->wal_truncated);

  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id IN ('e1','e2')"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE digits LIKE '%6505550100'"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE CAST(raw AS TEXT) LIKE '%6505550100%'"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events"), 3);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM rejected"), 0);
  EXPECT_EQ(test::fts_matches(f.opts, "zebraquux"), 0);
  EXPECT_EQ(test::fts_matches(f.opts, "kept"), 2);
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
  EXPECT_FALSE(std::filesystem::exists(store::content_path(f.files, std::string(64, 'a'))));
  EXPECT_TRUE(std::filesystem::exists(store::content_path(f.files, std::string(64, 'b'))));
  EXPECT_TRUE(std::filesystem::exists(store::content_path(f.files, std::string(64, 'c'))));
  test::expect_counters_match_rows(f.opts);
  EXPECT_EQ(counter(f.opts, "erased.messages"), 2);
  EXPECT_EQ(counter(f.opts, "erased.events"), 4);
  EXPECT_EQ(counter(f.opts, "erased.rejected"), 1);

  // Nothing of the number or of an erased text is left anywhere in the file or the WAL.
  const auto bytes = test::database_bytes(f.opts);
  EXPECT_EQ(bytes.find("6505550100"), std::string::npos);
  EXPECT_EQ(bytes.find("650-555-0100"), std::string::npos);
  EXPECT_EQ(bytes.find("zebraquux"), std::string::npos);
  EXPECT_EQ(kept_rows(f.opts), before);
}

// A message between two other numbers whose text writes the erased number
// goes as a whole (its raw event is kept byte-exact or not at all), and its
// id is tombstoned; a longer digit run that merely contains the number's
// digits is not the number.
TEST(Erase, NumberWrittenInAnotherMessagesTextTakesThatMessage) {
  erase_fixture f;
  fill(f);
  {
    store::writer w(f.opts, f.bodies.renormaliser());
    w.start();
    auto m1 = test::sms("m1", other_number, owner_number, t0 + 5000, "call her on (650) 555-0100 tonight");
    auto m2 = test::sms("m2", other_number, owner_number, t0 + 6000, "order 16505550100123 shipped");
    ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("u-m1", m1)).status, store::write_status::stored);
    ASSERT_EQ(test::submit_and_wait(w, test::raw_notification("u-m2", m2)).status, store::write_status::stored);
    w.stop();
  }
  auto dry = by_number("+1 650 555 0100");
  dry.dry_run = true;
  auto would = store::erase(f.opts, dry, f.files);
  ASSERT_TRUE(would) << would.error().message;
  EXPECT_EQ(would->messages, 3);  // e1, e2, m1
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id = 'm1'"), 1);

  auto done = store::erase(f.opts, by_number("+1 650 555 0100"), f.files);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->messages, 3);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id IN ('e1', 'e2', 'm1')"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id IN ('k1', 'k2', 'm2')"), 3);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM erased_messages WHERE rc_id = 'm1'"), 1);
  EXPECT_EQ(test::fts_matches(f.opts, "tonight"), 0);
  EXPECT_EQ(test::fts_matches(f.opts, "shipped"), 1);
  test::expect_counters_match_rows(f.opts);
  const auto bytes = test::database_bytes(f.opts);
  EXPECT_EQ(bytes.find("555-0100"), std::string::npos);
  EXPECT_EQ(bytes.find("tonight"), std::string::npos);
}

TEST(Erase, TombstonesRefuseTheNumberAndTheMessageIdsAfterwards) {
  erase_fixture f;
  fill(f);
  ASSERT_TRUE(store::erase(f.opts, by_number("6505550100"), f.files));
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  // A new message naming the number, an update of an erased message that
  // carries no party (a status change), an unnormalised event naming it:
  // acknowledged (as duplicates) and not stored.
  auto fresh = test::sms("e9", "+1 650 555 0100", owner_number, t0 + 9000, "back again");
  EXPECT_EQ(test::submit_and_wait(w, test::raw_notification("u-e9", fresh)).status, store::write_status::duplicate);
  auto thin = test::sms("e1", owner_number, owner_number, t0, "");
  thin.from.reset();
  thin.to.reset();
  thin.subject.reset();
  thin.last_modified_time = t0 + 90'000;
  auto n = test::raw_notification("u-e1c", thin);
  EXPECT_EQ(test::submit_and_wait(w, n).status, store::write_status::duplicate);
  core::notification un;
  un.uuid = "u-un2";
  un.kind = core::event_kind::instant_message;
  un.raw = "{\"body\":{\"to\":[{\"phoneNumber\":\"6505550100\"}]}}";
  un.unnormalised_reason = "no id";
  EXPECT_EQ(test::submit_and_wait(w, un).status, store::write_status::duplicate);
  // A new message between others that writes the number as people do.
  auto mention = test::sms("k6", other_number, owner_number, t0 + 9500, "ring her on (650) 555-0100");
  EXPECT_EQ(test::submit_and_wait(w, test::raw_notification("u-k6", mention)).status, store::write_status::duplicate);
  // Others still go in.
  auto other = test::sms("k5", other_number, owner_number, t0 + 9000, "still welcome");
  EXPECT_EQ(test::submit_and_wait(w, test::raw_notification("u-k5", other)).status, store::write_status::stored);
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id IN ('e1','e9')"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE uuid IN ('u-e9','u-e1c','u-un2','u-k6')"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id='k5'"), 1);
  EXPECT_EQ(counter(f.opts, "erased.refused"), 4);
  EXPECT_EQ(test::database_bytes(f.opts).find("6505550100"), std::string::npos);
}

TEST(Erase, MessageIdAndBeforeEraseOnlyWhatTheyName) {
  erase_fixture f;
  fill(f);
  store::erase_request one;
  one.message_id = "k2";
  auto r = store::erase(f.opts, one, f.files);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->messages, 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id='k2'"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages"), 3);
  store::erase_request old;
  old.before = t0 + 1500;  // e1 and e2
  r = store::erase(f.opts, old, f.files);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->messages, 2);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id='k1'"), 1);
  test::expect_counters_match_rows(f.opts);
  store::erase_request none;
  EXPECT_EQ(store::erase(f.opts, none, f.files).error().code, core::errc::bad_parameter);
  EXPECT_EQ(store::erase(f.opts, by_number("abc"), f.files).error().code, core::errc::bad_parameter);
}

// A writer fed from a thread while erase runs on its own connection: every
// acknowledged notification not about the number is stored afterwards, and
// nothing about the number is.
TEST(Erase, WhileIngestRunsNoAcknowledgedNotificationIsLost) {
  erase_fixture f;
  fill(f);
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> answered{0};
  constexpr int total = 3000;
  std::thread feeder([&] {
    for (int i = 0; i < total; ++i) {
      const bool about_number = i % 10 == 0;
      const std::string id = "m" + std::to_string(i);
      auto m = test::sms(id, about_number ? erased_number : other_number, owner_number, t0 + 10'000 + i,
                         "load " + id);
      const std::string uuid = "u-" + id;
      while (!w.submit(test::raw_notification(uuid, m),
                       [&, uuid, about_number](const store::write_result& r) {
                         if (r.status == store::write_status::stored && !about_number) {
                           std::lock_guard lk(mu);
                           acknowledged.insert(uuid);
                         }
                         ++answered;
                       },
                       store::lane::background)) {
        std::promise<void> room;
        auto ready = room.get_future();
        w.when_room([&room] { room.set_value(); });
        ready.wait();
      }
    }
  });
  while (answered.load() < total / 4) std::this_thread::yield();
  const int at_start = answered.load();
  auto r = store::erase(f.opts, by_number(erased_number), f.files);
  const int at_end = answered.load();
  feeder.join();
  // Shows the overlap: notifications answered while the erasure ran.
  std::cout << "answered when erase began " << at_start << ", when it ended " << at_end << " of " << total << "\n";
  w.stop();
  ASSERT_TRUE(r) << r.error().message;
  // The writer was not shut out while erase ran.
  EXPECT_GT(at_end, at_start);
  EXPECT_EQ(answered.load(), total);
  EXPECT_EQ(acknowledged.size(), static_cast<std::size_t>(total - total / 10));
  SQLite::Database db(f.opts.path.string(), SQLite::OPEN_READONLY);
  std::set<std::string> stored;
  SQLite::Statement q(db, "SELECT uuid FROM events");
  while (q.executeStep()) stored.insert(q.getColumn(0).getString());
  for (const auto& uuid : acknowledged) EXPECT_TRUE(stored.contains(uuid)) << uuid;
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE digits='16505550100'"), 0);
  test::expect_counters_match_rows(f.opts);
}

}  // namespace
