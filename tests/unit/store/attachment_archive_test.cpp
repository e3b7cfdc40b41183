// The archive state of attachments (docs/attachments.md): the rows the writer
// adds for every attachment it stores, the fetcher's results, what readers
// show, the fetcher's queue, and migration 0005's backfill of an older archive.
#include "migrations.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/reader.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace rcvault;
using store::archive_state;
using test::counter;
using test::query_int;
using test::query_string;

constexpr core::millis t0 = 1'750'000'000'000;
const std::string sha_a(64, 'a');
const std::string sha_b(64, 'b');

core::attachment part(const std::string& id, const std::string& type, const std::string& content_type,
                      std::optional<std::string> uri) {
  core::attachment a;
  a.id = id;
  a.type = type;
  a.content_type = content_type;
  a.uri = std::move(uri);
  return a;
}

std::string content_uri(const std::string& msg, const std::string& att) {
  return "https://media.ringcentral.com/restapi/v1.0/account/1/extension/11/message-store/" + msg + "/content/" + att;
}

core::message message_of(const std::string& id, const std::string& type, std::vector<core::attachment> parts,
                         core::millis created = t0) {
  core::message m;
  m.id = id;
  m.type = type;
  m.direction = "Inbound";
  m.availability = "Alive";
  m.creation_time = created;
  m.last_modified_time = created;
  m.attachments = std::move(parts);
  return m;
}

// An SMS: its text as a Text attachment with a uri.
core::message sms(const std::string& id, core::millis created = t0) {
  return message_of(id, "SMS", {part(id + "-t", "Text", "text/plain", content_uri(id, id + "-t"))}, created);
}

// An MMS: its text and one picture.
core::message mms(const std::string& id, core::millis created = t0) {
  return message_of(id, "SMS",
                    {part(id + "-t", "Text", "text/plain", content_uri(id, id + "-t")),
                     part(id + "-img", "MmsAttachment", "image/jpeg", content_uri(id, id + "-img"))},
                    created);
}

struct rig {
  test::temp_dir dir;
  store::options opts = test::migrated_options(dir);
  test::fake_bodies bodies;
  store::writer w{opts, bodies.renormaliser()};
  int uuids = 0;

  rig() { w.start(); }

  store::write_result put(const core::message& m) {
    const auto sent = m.last_modified_time.value_or(t0);
    return test::submit_and_wait(w, test::message_notification(bodies, "u" + std::to_string(++uuids), sent, m));
  }

  bool result(store::attachment_result r) {
    auto p = std::make_shared<std::promise<bool>>();
    auto f = p->get_future();
    EXPECT_TRUE(w.submit_attachment_result(std::move(r), [p](bool committed) { p->set_value(committed); }));
    return f.get();
  }

  std::int64_t row_of(const std::string& rc_id) {
    return query_int(opts, "SELECT id FROM messages WHERE rc_id='" + rc_id + "'");
  }

  std::string state(const std::string& rc_id, const std::string& att) {
    return query_string(opts, "SELECT state FROM attachment_archive WHERE message_id=" + std::to_string(row_of(rc_id)) +
                                  " AND attachment_id='" + att + "'");
  }

  bool stored(const std::string& rc_id, const std::string& att, const std::string& sha, std::int64_t bytes) {
    store::attachment_result r;
    r.message_row = row_of(rc_id);
    r.attachment_id = att;
    r.state = archive_state::stored;
    r.sha256 = sha;
    r.bytes = bytes;
    r.stored_type = "image/jpeg";
    return result(std::move(r));
  }
};

// The counters attachments.<state> and attachments.bytes against a count of the rows.
void expect_counters_match_rows(const store::options& o) {
  for (auto s : store::all_archive_states) {
    const std::string name(store::to_string(s));
    EXPECT_EQ(counter(o, "attachments." + name),
              query_int(o, "SELECT count(*) FROM attachment_archive WHERE state='" + name + "'"))
        << name;
  }
  EXPECT_EQ(counter(o, "attachments.bytes"),
            query_int(o, "SELECT coalesce(sum(bytes), 0) FROM attachment_archive WHERE state='stored'"));
}

const core::attachment* find(const core::message& m, const std::string& id) {
  if (!m.attachments) return nullptr;
  for (const auto& a : *m.attachments)
    if (a.id == id) return &a;
  return nullptr;
}

TEST(AttachmentArchive, NewRowsArePendingUnlessTextOfSmsOrPagerOrWithoutUri) {
  rig r;
  r.put(mms("1"));
  r.put(message_of("2", "VoiceMail",
                   {part("2-a", "AudioRecording", "audio/mpeg", content_uri("2", "2-a")),
                    part("2-tr", "AudioTranscription", "text/plain", content_uri("2", "2-tr"))}));
  r.put(message_of("3", "Fax", {part("3-d", "RenderedDocument", "application/pdf", content_uri("3", "3-d"))}));
  r.put(message_of("4", "Pager", {part("4-t", "Text", "text/plain", content_uri("4", "4-t"))}));
  r.put(message_of("5", "SMS", {part("5-x", "MmsAttachment", "image/png", std::nullopt)}));
  r.w.stop();
  EXPECT_EQ(r.state("1", "1-t"), "skipped");
  EXPECT_EQ(r.state("1", "1-img"), "pending");
  EXPECT_EQ(r.state("2", "2-a"), "pending");
  EXPECT_EQ(r.state("2", "2-tr"), "pending");
  EXPECT_EQ(r.state("3", "3-d"), "pending");
  EXPECT_EQ(r.state("4", "4-t"), "skipped");
  EXPECT_EQ(r.state("5", "5-x"), "skipped");
  EXPECT_EQ(counter(r.opts, "attachments.pending"), 4);
  EXPECT_EQ(counter(r.opts, "attachments.skipped"), 3);
  // A pending row keeps the uri to download from; a skipped one keeps none.
  EXPECT_EQ(query_string(r.opts, "SELECT uri FROM attachment_archive WHERE attachment_id='1-img'"),
            content_uri("1", "1-img"));
  EXPECT_EQ(query_int(r.opts, "SELECT count(*) FROM attachment_archive WHERE state='skipped' AND uri IS NOT NULL"), 0);
  expect_counters_match_rows(r.opts);
}

TEST(AttachmentArchive, StoredResultShowsInTheMessageAndTheCounters) {
  rig r;
  r.put(mms("1"));
  EXPECT_TRUE(r.stored("1", "1-img", sha_a, 48'000));
  r.w.stop();
  store::reader rd(r.opts);
  auto m = rd.message("1");
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->msg.attachments->size(), 2u);
  const auto* img = find(m->msg, "1-img");
  ASSERT_TRUE(img && img->archive);
  EXPECT_EQ(img->archive->status, "stored");
  EXPECT_EQ(img->archive->sha256, sha_a);
  EXPECT_EQ(img->archive->size, 48'000);
  const auto* text = find(m->msg, "1-t");
  ASSERT_TRUE(text && text->archive);
  EXPECT_EQ(*text->archive, (core::archive_info{"skipped", std::nullopt, std::nullopt}));
  EXPECT_EQ(counter(r.opts, "attachments.stored"), 1);
  EXPECT_EQ(counter(r.opts, "attachments.pending"), 0);
  EXPECT_EQ(counter(r.opts, "attachments.bytes"), 48'000);
  expect_counters_match_rows(r.opts);
  auto row = rd.archived("1", "1-img");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, archive_state::stored);
  EXPECT_EQ(row->message_id, "1");
  EXPECT_EQ(row->message_row, r.row_of("1"));
  EXPECT_EQ(row->stored_type, "image/jpeg");
  EXPECT_EQ(row->content_type, "image/jpeg");
  EXPECT_EQ(row->attempts, 1);
  EXPECT_FALSE(rd.archived("1", "nope").has_value());
  EXPECT_FALSE(rd.archived("2", "1-img").has_value());
}

TEST(AttachmentArchive, AResultForARowAlreadyFinalChangesNothing) {
  rig r;
  r.put(mms("1"));
  EXPECT_TRUE(r.stored("1", "1-img", sha_a, 100));
  store::attachment_result late;  // a second report after a restart
  late.message_row = r.row_of("1");
  late.attachment_id = "1-img";
  late.state = archive_state::gone;
  late.reason = "404";
  EXPECT_TRUE(r.result(late));
  EXPECT_TRUE(r.stored("1", "1-img", sha_b, 999));
  late.attachment_id = "1-t";  // skipped rows are final too
  EXPECT_TRUE(r.result(late));
  r.w.stop();
  EXPECT_EQ(r.state("1", "1-img"), "stored");
  EXPECT_EQ(r.state("1", "1-t"), "skipped");
  EXPECT_EQ(query_string(r.opts, "SELECT sha256 FROM attachment_archive WHERE attachment_id='1-img'"), sha_a);
  EXPECT_EQ(query_int(r.opts, "SELECT attempts FROM attachment_archive WHERE attachment_id='1-img'"), 1);
  EXPECT_EQ(counter(r.opts, "attachments.bytes"), 100);
  EXPECT_EQ(counter(r.opts, "attachments.gone"), 0);
  expect_counters_match_rows(r.opts);
}

TEST(AttachmentArchive, FailedRowIsRetriedAndCountsEachAttempt) {
  rig r;
  r.put(mms("1"));
  store::attachment_result failed;
  failed.message_row = r.row_of("1");
  failed.attachment_id = "1-img";
  failed.state = archive_state::failed;
  failed.reason = "timeout";
  failed.retry_at = t0 + 60'000;
  EXPECT_TRUE(r.result(failed));
  EXPECT_EQ(counter(r.opts, "attachments.failed"), 1);
  EXPECT_TRUE(r.stored("1", "1-img", sha_a, 10));
  r.w.stop();
  EXPECT_EQ(r.state("1", "1-img"), "stored");
  EXPECT_EQ(query_int(r.opts, "SELECT attempts FROM attachment_archive WHERE attachment_id='1-img'"), 2);
  EXPECT_EQ(query_int(r.opts, "SELECT count(*) FROM attachment_archive WHERE reason IS NOT NULL"), 0);
  expect_counters_match_rows(r.opts);
}

TEST(AttachmentArchive, PurgedVersionStillListsTheStoredAttachment) {
  rig r;
  auto first = message_of("1", "SMS",
                          {part("1-t", "Text", "text/plain", content_uri("1", "1-t")),
                           part("1-img", "MmsAttachment", "image/jpeg", content_uri("1", "1-img")),
                           part("1-vid", "MmsAttachment", "video/mp4", content_uri("1", "1-vid"))});
  r.put(first);
  EXPECT_TRUE(r.stored("1", "1-img", sha_a, 48'000));
  auto purged = first;  // RingCentral purged it: no attachments any more
  purged.availability = "Purged";
  purged.last_modified_time = t0 + 10'000;
  purged.attachments = std::vector<core::attachment>{};
  EXPECT_EQ(r.put(purged).status, store::write_status::stored);
  r.w.stop();
  // Rows are never deleted, and their counts stay.
  EXPECT_EQ(query_int(r.opts, "SELECT count(*) FROM attachment_archive"), 3);
  expect_counters_match_rows(r.opts);
  store::reader rd(r.opts);
  auto m = rd.message("1");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->msg.availability, "Purged");
  ASSERT_TRUE(m->msg.attachments.has_value());
  // The stored one is listed, built from its row; the others are not.
  ASSERT_EQ(m->msg.attachments->size(), 1u);
  const auto& a = m->msg.attachments->front();
  EXPECT_EQ(a.id, "1-img");
  EXPECT_EQ(a.type, "MmsAttachment");
  EXPECT_EQ(a.content_type, "image/jpeg");
  EXPECT_EQ(a.uri, content_uri("1", "1-img"));
  ASSERT_TRUE(a.archive.has_value());
  EXPECT_EQ(*a.archive, (core::archive_info{"stored", sha_a, 48'000}));
  // Listings show it too.
  store::message_query q;
  auto page = rd.messages(q);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 1u);
  ASSERT_EQ(page->front().msg.attachments->size(), 1u);
  EXPECT_EQ(page->front().msg.attachments->front().archive->status, "stored");
}

TEST(AttachmentArchive, ChangedAttachmentsKeepStatesAndAddNewRows) {
  rig r;
  r.put(mms("1"));
  EXPECT_TRUE(r.stored("1", "1-img", sha_a, 5));
  auto later = mms("1");
  later.last_modified_time = t0 + 1000;
  (*later.attachments)[1].uri = content_uri("1", "1-img") + "?v=2";
  later.attachments->push_back(part("1-new", "MmsAttachment", "image/gif", content_uri("1", "1-new")));
  r.put(later);
  r.w.stop();
  EXPECT_EQ(r.state("1", "1-img"), "stored");
  EXPECT_EQ(query_string(r.opts, "SELECT uri FROM attachment_archive WHERE attachment_id='1-img'"),
            content_uri("1", "1-img") + "?v=2");
  EXPECT_EQ(r.state("1", "1-new"), "pending");
  EXPECT_EQ(r.state("1", "1-t"), "skipped");
  expect_counters_match_rows(r.opts);
}

TEST(AttachmentArchive, AnUntriedRowFollowsTheTypeALaterVersionGives) {
  rig r;
  // A version without a type arrives first: its Text looks downloadable.
  auto untyped = sms("1", t0);
  untyped.type.reset();
  untyped.last_modified_time = t0 + 1000;
  r.put(untyped);
  EXPECT_EQ(r.state("1", "1-t"), "pending");
  auto typed = sms("1", t0);  // older, with the type: folded in
  r.put(typed);
  r.w.stop();
  EXPECT_EQ(r.state("1", "1-t"), "skipped");
  EXPECT_EQ(query_int(r.opts, "SELECT count(*) FROM attachment_archive WHERE uri IS NOT NULL"), 0);
  expect_counters_match_rows(r.opts);
}

TEST(AttachmentQueue, DueRowsComeOldestRetryFirstAndFailedOnesWaitForTheirTime) {
  rig r;
  r.put(message_of("1", "Fax", {part("1-d", "RenderedDocument", "application/pdf", content_uri("1", "1-d"))}));
  r.put(message_of("2", "VoiceMail",
                   {part("2-a", "AudioRecording", "audio/mpeg", content_uri("2", "2-a")),
                    part("2-b", "AudioTranscription", "text/plain", content_uri("2", "2-b"))}));
  r.put(sms("3"));  // skipped: never due
  r.put(message_of("4", "Fax", {part("4-d", "RenderedDocument", "application/pdf", content_uri("4", "4-d"))}));
  store::attachment_result failed;
  failed.message_row = r.row_of("1");
  failed.attachment_id = "1-d";
  failed.state = archive_state::failed;
  failed.reason = "HTTP 503";
  failed.retry_at = t0 + 60'000;
  EXPECT_TRUE(r.result(failed));
  EXPECT_TRUE(r.stored("4", "4-d", sha_a, 7));

  store::attachment_queue q(r.opts);
  auto ids = [](const std::vector<store::archived_attachment>& rows) {
    std::vector<std::string> out;
    for (const auto& a : rows) out.push_back(a.message_id + "/" + a.attachment_id);
    return out;
  };
  EXPECT_EQ(ids(q.due(t0, 10)), (std::vector<std::string>{"2/2-a", "2/2-b"}));
  EXPECT_EQ(ids(q.due(t0 + 60'000, 10)), (std::vector<std::string>{"2/2-a", "2/2-b", "1/1-d"}));
  EXPECT_EQ(ids(q.due(t0 + 60'000, 1)), (std::vector<std::string>{"2/2-a"}));
  EXPECT_EQ(q.next_retry(t0), t0 + 60'000);
  EXPECT_EQ(q.next_retry(t0 + 60'000), std::nullopt);
  auto rows = q.due(t0 + 60'000, 10);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].state, archive_state::failed);
  EXPECT_EQ(rows[2].reason, "HTTP 503");
  EXPECT_EQ(rows[2].attempts, 1);
  EXPECT_EQ(rows[2].retry_at, t0 + 60'000);
  EXPECT_EQ(rows[2].uri, content_uri("1", "1-d"));
  EXPECT_EQ(rows[0].content_type, "audio/mpeg");
  EXPECT_EQ(rows[0].type, "AudioRecording");
  EXPECT_EQ(rows[0].message_row, r.row_of("2"));
  // Results committed later are seen by the same queue.
  EXPECT_TRUE(r.stored("2", "2-a", sha_b, 9));
  EXPECT_EQ(ids(q.due(t0, 10)), (std::vector<std::string>{"2/2-b"}));
  r.w.stop();
}

TEST(AttachmentQueue, IdenticalContentIsFoundOnceAmongStoredContents) {
  rig r;
  r.put(mms("1", t0));
  r.put(mms("2", t0 + 1));
  r.put(mms("3", t0 + 2));
  store::attachment_queue q(r.opts);
  EXPECT_FALSE(q.has_stored(sha_a));
  EXPECT_TRUE(r.stored("1", "1-img", sha_b, 20));
  EXPECT_TRUE(r.stored("2", "2-img", sha_a, 10));
  EXPECT_TRUE(r.stored("3", "3-img", sha_a, 10));
  EXPECT_TRUE(q.has_stored(sha_a));
  EXPECT_TRUE(q.has_stored(sha_b));
  EXPECT_FALSE(q.has_stored(std::string(64, 'c')));
  r.w.stop();
  store::reader rd(r.opts);
  using contents = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(rd.stored_contents(std::nullopt, 10), (contents{{sha_a, 10}, {sha_b, 20}}));
  EXPECT_EQ(rd.stored_contents(std::nullopt, 1), (contents{{sha_a, 10}}));
  EXPECT_EQ(rd.stored_contents(sha_a, 10), (contents{{sha_b, 20}}));
  EXPECT_EQ(rd.stored_contents(sha_b, 10), contents{});
  // Each row counts its bytes; the file is one.
  EXPECT_EQ(counter(r.opts, "attachments.bytes"), 40);
}

TEST(AttachmentArchive, ResultsWaitForRoomAndAreRefusedOnceStopped) {
  test::temp_dir dir;
  auto opts = test::migrated_options(dir);
  opts.queue_max = 0;  // the background lane has no room
  test::fake_bodies bodies;
  store::writer w(opts, bodies.renormaliser());
  w.start();
  store::attachment_result r;
  r.message_row = 1;
  r.attachment_id = "a";
  bool called = false;
  EXPECT_FALSE(w.submit_attachment_result(r, [&](bool) { called = true; }));
  EXPECT_FALSE(called);  // nothing queued: the fetcher waits with when_room
  w.stop();
  std::optional<bool> committed;
  EXPECT_TRUE(w.submit_attachment_result(r, [&](bool ok) { committed = ok; }));
  EXPECT_EQ(committed, false);
}

TEST(AttachmentArchive, StateNamesRoundTrip) {
  for (auto s : store::all_archive_states) EXPECT_EQ(store::archive_state_from_string(store::to_string(s)), s);
  EXPECT_EQ(store::archive_state_from_string("Stored"), std::nullopt);
  EXPECT_EQ(store::archive_state_from_string(""), std::nullopt);
}

// An archive at schema version 4 with messages and attachments: migration
// 0005 gives each attachment its row and the counters their totals.
TEST(AttachmentArchiveMigration, BackfillsRowsAndCountersOfAVersion4Archive) {
  test::temp_dir dir;
  store::options o;
  o.path = dir / "rcvault.db";
  std::filesystem::create_directories(o.path.parent_path());
  {
    SQLite::Database db(o.path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    auto all = store::detail::embedded_migrations();
    ASSERT_GE(all.size(), 5u);
    ASSERT_EQ(all[4].name, "0005_attachment_archive");
    ASSERT_TRUE(store::detail::apply_pending(db, all.first(4)).has_value());
    db.exec("INSERT INTO counters VALUES('messages.total', 4)");
    struct row {
      int message;
      const char* type;
      int position;
      const char* id;
      const char* att_type;
      const char* uri;
    };
    const row rows[] = {
        {1, "SMS", 0, "t1", "Text", "https://x/t1"},          // skipped: SMS text
        {2, "SMS", 0, "t2", "Text", "https://x/t2"},          // skipped
        {2, "SMS", 1, "img2", "MmsAttachment", "https://x/i"},  // pending
        {3, "Pager", 0, "t3", "Text", "https://x/t3"},        // skipped
        {4, "Fax", 0, "d4", "RenderedDocument", "https://x/d"},  // pending
        {4, "Fax", 1, "n4", "RenderedDocument", nullptr},     // skipped: no uri
        {4, "Fax", 2, "d4", "RenderedDocument", "https://x/again"},  // a repeated id: one row
    };
    for (int m = 1; m <= 4; ++m) {
      SQLite::Statement s(db,
                          "INSERT INTO messages(id, rc_id, type, has_attachments, sort_key, version_time, "
                          "version_sent, version_uuid) VALUES(?1, ?2, ?3, 1, ?1, 0, 0, ?2)");
      s.bind(1, m);
      s.bind(2, "m" + std::to_string(m));
      s.bind(3, rows[m == 1 ? 0 : m == 2 ? 1 : m == 3 ? 3 : 4].type);
      s.exec();
    }
    for (const auto& r : rows) {
      SQLite::Statement s(db, "INSERT INTO attachments(message_id, position, id, uri, type) VALUES(?,?,?,?,?)");
      s.bind(1, r.message);
      s.bind(2, r.position);
      s.bind(3, r.id);
      if (r.uri) s.bind(4, r.uri);
      else s.bind(4);
      s.bind(5, r.att_type);
      s.exec();
    }
  }
  auto migrated = store::migrate(o);
  ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
  ASSERT_TRUE(store::schema_current(o));
  EXPECT_EQ(query_int(o, "SELECT count(*) FROM attachment_archive"), 6);
  EXPECT_EQ(query_string(o, "SELECT group_concat(attachment_id, ',') FROM (SELECT attachment_id FROM "
                            "attachment_archive WHERE state='pending' ORDER BY attachment_id)"),
            "d4,img2");
  EXPECT_EQ(query_string(o, "SELECT uri FROM attachment_archive WHERE attachment_id='d4'"), "https://x/d");
  EXPECT_EQ(counter(o, "attachments.pending"), 2);
  EXPECT_EQ(counter(o, "attachments.skipped"), 4);
  EXPECT_EQ(counter(o, "messages.total"), 4);
  expect_counters_match_rows(o);
  // The fetcher finds the backfilled rows, and readers show their state.
  store::attachment_queue q(o);
  EXPECT_EQ(q.due(t0, 10).size(), 2u);
  store::reader rd(o);
  auto m2 = rd.message("m2");
  ASSERT_TRUE(m2.has_value());
  ASSERT_EQ(m2->msg.attachments->size(), 2u);
  EXPECT_EQ((*m2->msg.attachments)[0].archive->status, "skipped");
  EXPECT_EQ((*m2->msg.attachments)[1].archive->status, "pending");
}

}  // namespace
