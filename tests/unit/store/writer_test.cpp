#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

namespace {

using namespace rcvault;
using test::counter;
using test::query_int;

constexpr core::millis t0 = 1'750'000'000'000;

core::party number(const std::string& phone) {
  core::party p;
  p.phone_number = phone;
  return p;
}

core::message full_sms(const std::string& id = "1001") {
  core::message m;
  m.id = id;
  m.type = "SMS";
  m.direction = "Inbound";
  m.subject = "hello archive";
  m.read_status = "Unread";
  m.message_status = "Received";
  m.availability = "Alive";
  m.conversation_id = "77";
  m.owner_id = "11";
  m.creation_time = t0;
  m.last_modified_time = t0;
  m.from = number("+1 (650) 555-0100");
  m.to = std::vector<core::party>{number("+16505550199")};
  m.extra["eventType"] = "Create";
  return m;
}

struct writer_fixture {
  test::temp_dir dir;
  store::options opts = test::migrated_options(dir);
  test::fake_bodies bodies;
};

TEST(Writer, StoresNewMessageWithParties) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  auto r = test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  w.stop();
  EXPECT_EQ(r.status, store::write_status::stored);
  EXPECT_EQ(r.outcome, core::outcome::applied);
  EXPECT_EQ(query_int(f.opts, "SELECT id FROM messages WHERE rc_id='1001'"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT sort_key FROM messages WHERE rc_id='1001'"), t0 * 1024);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE digits='16505550100' AND position=0 AND "
                              "message_id=1 AND sort_key=" + std::to_string(t0 * 1024)),
            1);
  EXPECT_EQ(query_int(f.opts, "SELECT message_id FROM events WHERE uuid='u1'"), 1);
}

TEST(Writer, DuplicateUuidChangesNothing) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  auto again = full_sms();
  again.subject = "changed";
  again.last_modified_time = t0 + 5000;
  auto r = test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0 + 5000, again));
  w.stop();
  EXPECT_EQ(r.status, store::write_status::duplicate);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE subject='hello archive'"), 1);
  EXPECT_EQ(counter(f.opts, "events.duplicate"), 1);
}

TEST(Writer, OlderVersionIsStaleAndKeepsNewerFields) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  auto newer = full_sms();
  newer.read_status = "Read";
  newer.last_modified_time = t0 + 1000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "new", t0 + 1000, newer));
  auto r = test::submit_and_wait(w, test::message_notification(f.bodies, "old", t0, full_sms()));
  w.stop();
  EXPECT_EQ(r.status, store::write_status::stored);
  EXPECT_EQ(r.outcome, core::outcome::stale);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE read_status='Read'"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE uuid='old' AND outcome='stale'"), 1);
}

TEST(Writer, ThinNewerBodyKeepsPartiesAndText) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  core::message thin;
  thin.id = "1001";
  thin.last_modified_time = t0 + 1000;
  thin.read_status = "Read";
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0 + 1000, thin));
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties"), 2);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE subject='hello archive' AND read_status='Read'"),
            1);
  EXPECT_EQ(test::fts_matches(f.opts, "archive"), 1);
}

TEST(Writer, NewerSubjectReplacesFullTextEntry) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  auto edited = full_sms();
  edited.subject = "completely different";
  edited.last_modified_time = t0 + 1;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0 + 1, edited));
  w.stop();
  EXPECT_EQ(test::fts_matches(f.opts, "archive"), 0);
  EXPECT_EQ(test::fts_matches(f.opts, "different"), 1);
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
}

// The full-text check the tests rely on can fail: a subject changed behind the
// index's back (the entry the writer would have replaced is stale) is reported.
TEST(Writer, FullTextCheckReportsAStaleEntry) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  w.stop();
  ASSERT_EQ(test::fts_index_disagreement(f.opts), "");
  {
    SQLite::Database db(f.opts.path.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE messages SET subject='changed behind the index' WHERE rc_id='1001'");
  }
  EXPECT_NE(test::fts_index_disagreement(f.opts), "");
}

TEST(Writer, UnnormalisedEventIsStoredRawWithReason) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  core::notification n;
  n.uuid = "odd";
  n.kind = core::event_kind::instant_message;
  n.raw = R"({"uuid":"odd","body":{"id":[1]}})";
  n.unnormalised_reason = "body.id: not a string or number";
  auto r = test::submit_and_wait(w, std::move(n));
  w.stop();
  EXPECT_EQ(r.status, store::write_status::stored);
  EXPECT_EQ(r.outcome, core::outcome::unnormalised);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE outcome='unnormalised' AND reason LIKE 'body.id%'"),
            1);
  EXPECT_EQ(counter(f.opts, "events.unnormalised"), 1);
}

TEST(Writer, CountersFollowTypeChanges) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms("1")));
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0, full_sms("2")));
  auto pager = full_sms("2");
  pager.type = "Pager";
  pager.last_modified_time = t0 + 1;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u3", t0 + 1, pager));
  w.stop();
  EXPECT_EQ(counter(f.opts, "messages.total"), 2);
  EXPECT_EQ(counter(f.opts, "messages.type.SMS"), 1);
  EXPECT_EQ(counter(f.opts, "messages.type.Pager"), 1);
  EXPECT_EQ(counter(f.opts, "messages.direction.Inbound"), 2);
  EXPECT_EQ(counter(f.opts, "events.total"), 3);
  EXPECT_EQ(counter(f.opts, "events.applied"), 3);
}

TEST(Writer, SameCreationTimeGetsNextSortKey) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms("1")));
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0, full_sms("2")));
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT sort_key FROM messages WHERE rc_id='2'"), t0 * 1024 + 1);
}

// A newer version that changes only a status keeps the parties and index
// entries as they are (the writer skips rewriting them); one that moves the
// message to another conversation or owner updates the row and its indexes.
TEST(Writer, StatusOnlyAndIndexedChangesBothLand) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  auto read = full_sms();
  read.read_status = "Read";
  read.last_modified_time = t0 + 1000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0 + 1000, read));
  auto moved = read;  // another conversation, same owner
  moved.conversation_id = "88";
  moved.last_modified_time = t0 + 2000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u3", t0 + 2000, moved));
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages INDEXED BY messages_conversation "
                              "WHERE conversation_id='88' AND owner_id='11'"),
            1);
  moved.owner_id = "12";  // then another owner, same conversation
  moved.last_modified_time = t0 + 3000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u4", t0 + 3000, moved));
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE message_id=1"), 2);
  moved.to = std::vector<core::party>{number("+16505550123")};  // then only the recipient changes
  moved.last_modified_time = t0 + 4000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u5", t0 + 4000, moved));
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties INDEXED BY parties_digits WHERE digits='16505550123'"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE digits='16505550199'"), 0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE read_status='Read' AND conversation_id='88' "
                              "AND owner_id='12'"),
            1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages INDEXED BY messages_conversation "
                              "WHERE conversation_id='88'"),
            1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages INDEXED BY messages_conversation "
                              "WHERE conversation_id='77'"),
            0);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages INDEXED BY messages_owner WHERE owner_id='12'"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties INDEXED BY parties_digits WHERE digits='16505550100'"), 1);
  EXPECT_EQ(test::query_string(f.opts, "PRAGMA integrity_check"), "ok");
}

// Row ids follow arrival (new rows go to the right end of every table), while
// sort keys, and with them the full-text rowids and the number index, follow
// creation time.
TEST(Writer, RowIdsFollowArrivalAndSortKeysFollowCreationTime) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  auto late = full_sms("1");
  late.creation_time = t0 + 60'000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0 + 60'000, late));
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0, full_sms("2")));
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT id FROM messages WHERE rc_id='1'"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT id FROM messages WHERE rc_id='2'"), 2);
  EXPECT_EQ(query_int(f.opts, "SELECT sort_key FROM messages WHERE rc_id='1'"), (t0 + 60'000) * 1024);
  EXPECT_EQ(query_int(f.opts, "SELECT sort_key FROM messages WHERE rc_id='2'"), t0 * 1024);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties p JOIN messages m ON m.id = p.message_id "
                              "WHERE p.sort_key = m.sort_key"),
            4);
  EXPECT_EQ(query_int(f.opts, "SELECT (SELECT group_concat(rowid) FROM (SELECT rowid FROM messages_fts "
                              "WHERE messages_fts MATCH 'archive' ORDER BY rowid)) = '" +
                              std::to_string(t0 * 1024) + "," + std::to_string((t0 + 60'000) * 1024) + "'"),
            1);
}

// A newer version with another creationTime moves the message in time order:
// its sort key, its parties' keys and its full-text entry move; its row, and
// the events that point at it, stay.
TEST(Writer, ChangedCreationTimeMovesTheSortKeyNotTheRow) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  auto moved = full_sms();
  moved.creation_time = t0 + 5'000;
  moved.last_modified_time = t0 + 6'000;
  test::submit_and_wait(w, test::message_notification(f.bodies, "u2", t0 + 6'000, moved));
  w.stop();
  const std::string key = std::to_string((t0 + 5'000) * 1024);
  EXPECT_EQ(query_int(f.opts, "SELECT id FROM messages WHERE rc_id='1001' AND sort_key=" + key), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM parties WHERE message_id=1 AND sort_key=" + key), 2);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE message_id=1"), 2);
  EXPECT_EQ(query_int(f.opts, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'archive'"),
            (t0 + 5'000) * 1024);
  EXPECT_EQ(test::fts_matches(f.opts, "archive"), 1);
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
}

TEST(Writer, RejectedRequestsAreCapped) {
  writer_fixture f;
  f.opts.rejected_max = 3;
  store::writer w(f.opts, f.bodies.renormaliser());
  for (int i = 0; i < 5; ++i) w.reject({t0 + i, "invalid_json", "offset " + std::to_string(i), 10, "{{{"});
  w.start();
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM rejected"), 3);
  EXPECT_EQ(query_int(f.opts, "SELECT min(received_at) FROM rejected"), t0 + 2);
  EXPECT_EQ(counter(f.opts, "rejected.total"), 5);
}

TEST(Writer, FullQueueIsUnavailableAtOnce) {
  writer_fixture f;
  f.opts.queue_max = 1;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.submit(test::message_notification(f.bodies, "u1", t0, full_sms("1")), nullptr);
  std::optional<store::write_status> second;
  w.submit(test::message_notification(f.bodies, "u2", t0, full_sms("2")),
           [&](const store::write_result& r) { second = r.status; });
  EXPECT_EQ(second, store::write_status::unavailable);
}

TEST(Writer, SubmitAfterStopIsUnavailable) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  w.stop();
  auto r = test::submit_and_wait(w, test::message_notification(f.bodies, "u1", t0, full_sms()));
  EXPECT_EQ(r.status, store::write_status::unavailable);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events"), 0);
}

TEST(Writer, StopCommitsEverythingQueued) {
  writer_fixture f;
  store::writer w(f.opts, f.bodies.renormaliser());
  int stored = 0;
  for (int i = 0; i < 50; ++i)
    w.submit(test::message_notification(f.bodies, "u" + std::to_string(i), t0, full_sms(std::to_string(i))),
             [&](const store::write_result& r) { stored += r.status == store::write_status::stored; });
  w.start();
  w.stop();
  EXPECT_EQ(stored, 50);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages"), 50);
  EXPECT_FALSE(std::filesystem::exists(f.opts.path.string() + "-wal") &&
               std::filesystem::file_size(f.opts.path.string() + "-wal") > 0);
}

TEST(Writer, FailingCommitAcknowledgesNothingAndLosesNothing) {
  writer_fixture f;
  {
    store::writer w(f.opts, f.bodies.renormaliser());
    w.start();
    for (int i = 0; i < 10; ++i)
      test::submit_and_wait(w, test::message_notification(f.bodies, "kept" + std::to_string(i), t0,
                                                          full_sms("k" + std::to_string(i))));
  }
  store::writer w(f.opts, f.bodies.renormaliser());
  w.set_max_page_count(1);  // clamped to the current size: any growth fails
  std::array<std::promise<store::write_result>, 3> results;
  auto big = full_sms("big");
  big.subject = std::string(300'000, 'x');
  auto small = [&](int i) {
    auto m = full_sms("s" + std::to_string(i));
    m.creation_time = t0 + 1000 * (i + 1);  // sort keys no later message takes
    return test::message_notification(f.bodies, "s" + std::to_string(i), t0, m);
  };
  // Queued before start: the first batch holds all three.
  w.submit(small(0), [&](const store::write_result& r) { results[0].set_value(r); });
  w.submit(test::message_notification(f.bodies, "big", t0, big),
           [&](const store::write_result& r) { results[1].set_value(r); });
  w.submit(small(1), [&](const store::write_result& r) { results[2].set_value(r); });
  w.start();
  for (auto& r : results) EXPECT_EQ(r.get_future().get().status, store::write_status::unavailable);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events"), 10);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages"), 10);
  EXPECT_EQ(counter(f.opts, "events.total"), 10);
  w.set_max_page_count(0);
  auto retried = test::submit_and_wait(w, test::message_notification(f.bodies, "big", t0, big));
  w.stop();
  EXPECT_EQ(retried.status, store::write_status::stored);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages"), 11);
  // The failed batch's full-text entries went with it: the retry adds only its own.
  EXPECT_EQ(test::fts_matches(f.opts, "hello"), 10);
  EXPECT_EQ(test::query_string(f.opts, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
}

// Full-text entries are written at the end of each batch in key order; a
// batch that adds, moves and replaces entries out of key order, and rewrites
// a message it added itself, ends with exactly the entries its rows hold.
TEST(Writer, FullTextEntriesOfOneBatchMatchItsRows) {
  writer_fixture f;
  {
    store::writer first(f.opts, f.bodies.renormaliser());
    first.start();
    test::submit_and_wait(first, test::message_notification(f.bodies, "old", t0, full_sms("m0")));
  }
  store::writer w(f.opts, f.bodies.renormaliser());
  std::vector<std::promise<store::write_result>> acks(4);
  auto send = [&](int i, core::notification n) {
    w.submit(std::move(n), [&acks, i](const store::write_result& r) { acks[i].set_value(r); });
  };
  auto late = full_sms("m1");
  late.creation_time = t0 + 5000;
  late.subject = "late zebra";
  send(0, test::message_notification(f.bodies, "a", t0 + 1, late));
  auto early = full_sms("m2");
  early.creation_time = t0 - 5000;
  early.subject = "early yak";
  send(1, test::message_notification(f.bodies, "b", t0 + 2, early));
  auto moved = full_sms("m0");  // the stored one, now earlier and with new text
  moved.creation_time = t0 - 9000;
  moved.subject = "moved walrus";
  moved.last_modified_time = t0 + 3;
  send(2, test::message_notification(f.bodies, "c", t0 + 3, moved));
  auto edited = late;  // rewrites m1, added earlier in this batch
  edited.subject = "edited zebra";
  edited.last_modified_time = t0 + 4;
  send(3, test::message_notification(f.bodies, "d", t0 + 4, edited));
  w.start();  // queued before start: one batch
  for (auto& a : acks) EXPECT_EQ(a.get_future().get().status, store::write_status::stored);
  w.stop();
  for (const char* word : {"hello", "late"})
    EXPECT_EQ(test::fts_matches(f.opts, word), 0) << word;
  for (const char* word : {"walrus", "yak", "edited"})
    EXPECT_EQ(test::fts_matches(f.opts, word), 1) << word;
  EXPECT_EQ(test::fts_index_disagreement(f.opts), "");
}

// --- convergence: the same versions in every arrival order give the same rows ---

std::string dump(const store::options& o) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY);
  std::string out;
  auto add_rows = [&](const char* sql) {
    SQLite::Statement q(db, sql);
    while (q.executeStep()) {
      for (int c = 0; c < q.getColumnCount(); ++c) {
        auto col = q.getColumn(c);
        out += col.isNull() ? std::string("NULL") : col.getString();
        out += '|';
      }
      out += '\n';
    }
    out += "--\n";
  };
  add_rows("SELECT * FROM messages ORDER BY id");
  add_rows("SELECT * FROM parties ORDER BY message_id, position");
  add_rows("SELECT * FROM attachments ORDER BY message_id, position");
  add_rows("SELECT message_id, attachment_id, uri, type, content_type, state, attempts, retry_at "
           "FROM attachment_archive ORDER BY message_id, attachment_id");
  add_rows("SELECT uuid, message_id FROM events ORDER BY uuid");
  add_rows("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'hello'");
  // A counter that went up and down again in another batch keeps a row of 0: the same as none.
  add_rows("SELECT name, value FROM counters WHERE name NOT LIKE 'events.%' AND value <> 0 ORDER BY name");
  return out;
}

TEST(WriterConvergence, EveryArrivalOrderGivesTheSameRows) {
  test::fake_bodies bodies;
  std::vector<core::notification> versions;
  versions.push_back(test::message_notification(bodies, "v1", t0, full_sms()));
  core::message thin;  // only id and time: must not erase anything
  thin.id = "1001";
  thin.last_modified_time = t0 + 1000;
  thin.read_status = "Read";
  versions.push_back(test::message_notification(bodies, "v2", t0 + 1000, thin));
  core::message later;  // a new recipient list and an attachment
  later.id = "1001";
  later.last_modified_time = t0 + 2000;
  later.availability = "Deleted";
  later.to = std::vector<core::party>{number("+16505550199"), number("+16505550123")};
  core::attachment text_part;
  text_part.id = "a1";
  text_part.type = "Text";
  // With a uri, only the SMS type (which this version lacks) makes it skipped.
  text_part.uri = "https://media.ringcentral.com/restapi/v1.0/account/1/extension/11/message-store/1001/content/a1";
  later.attachments = std::vector<core::attachment>{text_part};
  later.extra["eventType"] = "Update";
  versions.push_back(test::message_notification(bodies, "v3", t0 + 2000, later));
  core::message bare;  // no times at all: ordered by its envelope timestamp
  bare.id = "1001";
  bare.message_status = "Delivered";
  versions.push_back(test::message_notification(bodies, "v4", t0 + 500, bare));
  versions.push_back(versions[1]);  // a redelivery of v2

  // Migrate once; each arrival order starts from a copy of that file.
  test::temp_dir template_dir;
  const auto template_opts = test::migrated_options(template_dir);
  std::array<int, 5> order{0, 1, 2, 3, 4};
  std::string expected;
  int permutations = 0;
  do {
    test::temp_dir dir;
    auto opts = template_opts;
    opts.path = dir / "rcvault.db";
    std::filesystem::copy_file(template_opts.path, opts.path);
    {
      store::writer w(opts, bodies.renormaliser());
      w.start();
      for (int i : order) test::submit_and_wait(w, versions[static_cast<std::size_t>(i)]);
    }
    auto got = dump(opts);
    if (permutations == 0) {
      expected = got;
      EXPECT_EQ(query_int(opts, "SELECT sort_key FROM messages"), t0 * 1024);
      EXPECT_EQ(query_int(opts, "SELECT count(*) FROM messages WHERE subject='hello archive' AND read_status='Read' "
                                "AND availability='Deleted' AND message_status='Delivered'"),
                1);
      EXPECT_EQ(query_int(opts, "SELECT count(*) FROM parties"), 3);
      EXPECT_EQ(query_int(opts, "SELECT count(*) FROM attachments"), 1);
      EXPECT_EQ(query_int(opts, "SELECT count(*) FROM attachment_archive WHERE state='skipped'"), 1);
      EXPECT_EQ(query_int(opts, "SELECT count(*) FROM events"), 4);
    }
    EXPECT_EQ(got, expected) << "order " << order[0] << order[1] << order[2] << order[3] << order[4];
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
}

}  // namespace
