// An archive written under schema version 1 (row id = creation-time key)
// upgrades to version 2 (row ids in arrival order, time order from sort_key)
// and answers every kind of listing as before: same messages, same order, old
// page tokens still valid, and new messages fall into place among the old.
#include "migrations.hpp"
#include "rcvault/store/reader.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace rcvault;
using test::query_int;

constexpr core::millis t0 = 1'750'000'000'000;
constexpr int archived = 24;

// The creation time of archived message k: spread out of arrival order.
core::millis archived_time(int k) { return t0 + ((k * 7) % archived) * 1000; }
std::string archived_number(int k) { return "1650555010" + std::to_string(k % 3); }

// Writes `archived` messages the way version 1 of rcvault stored them.
void write_version1_archive(const store::options& o) {
  std::filesystem::create_directories(o.path.parent_path());
  SQLite::Database db(o.path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  auto all = store::detail::embedded_migrations();
  ASSERT_GE(all.size(), 2u);
  ASSERT_EQ(all[0].name, "0001_initial");
  ASSERT_TRUE(store::detail::apply_pending(db, all.first(1)).has_value());
  for (int k = 0; k < archived; ++k) {
    const std::int64_t id = archived_time(k) * 1024;
    const std::string rc_id = "m" + std::to_string(k);
    SQLite::Statement m(db,
                        "INSERT INTO messages(id, rc_id, type, direction, subject, conversation_id, creation_time, "
                        "has_from, version_time, version_sent, version_uuid) VALUES(?,?,'SMS','Inbound',?,'c1',?,1,?,?,?)");
    m.bind(1, id);
    m.bind(2, rc_id);
    const std::string subject = (k % 2 ? "invoice " : "hello ") + std::to_string(k);
    m.bind(3, subject);
    m.bind(4, static_cast<std::int64_t>(archived_time(k)));
    m.bind(5, static_cast<std::int64_t>(archived_time(k)));
    m.bind(6, static_cast<std::int64_t>(archived_time(k)));
    m.bind(7, "v1-" + rc_id);
    m.exec();
    SQLite::Statement p(db, "INSERT INTO parties(message_id, position, phone_number, digits) VALUES(?,0,?,?)");
    p.bind(1, id);
    p.bind(2, "+" + archived_number(k));
    p.bind(3, archived_number(k));
    p.exec();
    SQLite::Statement f(db, "INSERT INTO messages_fts(rowid, subject) VALUES(?,?)");
    f.bind(1, id);
    f.bind(2, subject);
    f.exec();
    SQLite::Statement e(db,
                        "INSERT INTO events(uuid, kind, event, received_at, message_id, outcome, raw) "
                        "VALUES(?,'instant_message','',0,?,'applied','{}')");
    e.bind(1, "v1-" + rc_id);
    e.bind(2, id);
    e.exec();
  }
}

// The archived rc ids in creation-time order, newest first, that pass `keep`.
template <class Keep>
std::vector<std::string> expected_desc(Keep keep) {
  std::vector<int> ks;
  for (int k = 0; k < archived; ++k)
    if (keep(k)) ks.push_back(k);
  std::sort(ks.begin(), ks.end(), [](int a, int b) { return archived_time(a) > archived_time(b); });
  std::vector<std::string> out;
  for (int k : ks) out.push_back("m" + std::to_string(k));
  return out;
}

std::vector<std::string> ids(const std::vector<store::stored_message>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.msg.id);
  return out;
}

std::vector<std::string> listed(store::reader& r, store::message_query q) {
  auto rows = r.messages(q);
  EXPECT_TRUE(rows.has_value());
  return rows ? ids(*rows) : std::vector<std::string>{};
}

TEST(Upgrade, Version1ArchiveListsTheSameAfterMigration) {
  test::temp_dir dir;
  store::options o;
  o.path = dir / "rcvault.db";
  write_version1_archive(o);
  const std::int64_t old_row_of_m5 = archived_time(5) * 1024;

  std::vector<std::pair<int, std::string>> steps;
  int statements = 0;
  std::vector<std::string> migrations;  // in the order their steps were reported
  auto migrated = store::migrate(o, [&](const store::migration_step& s) {
    if (migrations.empty() || migrations.back() != s.name) migrations.emplace_back(s.name);
    if (s.name != "0002_arrival_row_ids") return;  // the later ones (sync state, ...) follow it
    statements = s.statements;
    if (steps.empty() || steps.back().first != s.statement) steps.emplace_back(s.statement, std::string(s.sql));
  });
  ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front(), "0002_arrival_row_ids");
  // Progress named every statement of the migration once, in order, by its first line.
  ASSERT_EQ(static_cast<int>(steps.size()), statements);
  for (int i = 0; i < statements; ++i) EXPECT_EQ(steps[static_cast<std::size_t>(i)].first, i + 1);
  EXPECT_EQ(steps.front().second, "ALTER TABLE messages ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;");
  EXPECT_EQ(steps.back().second,
            "INSERT INTO messages_fts(rowid, subject) SELECT sort_key, subject FROM messages WHERE subject IS NOT NULL;");
  EXPECT_TRUE(std::any_of(steps.begin(), steps.end(),
                          [](const auto& s) { return s.second == "CREATE VIRTUAL TABLE messages_fts USING fts5("; }));
  ASSERT_TRUE(store::schema_current(o));
  auto checked = store::check(o);
  ASSERT_TRUE(checked.has_value());
  EXPECT_EQ(*checked, "");
  // Rows stay where they were; their sort key is their old row id.
  EXPECT_EQ(query_int(o, "SELECT id FROM messages WHERE rc_id='m5'"), old_row_of_m5);
  EXPECT_EQ(query_int(o, "SELECT count(*) FROM messages WHERE sort_key = id"), archived);
  EXPECT_EQ(query_int(o, "SELECT count(*) FROM parties WHERE sort_key = message_id"), archived);
  EXPECT_EQ(test::fts_index_disagreement(o), "");

  store::reader r(o);
  store::message_query all;
  all.limit = 1000;
  EXPECT_EQ(listed(r, all), expected_desc([](int) { return true; }));

  store::message_query by_number = all;
  by_number.phone_keys = {archived_number(1)};
  EXPECT_EQ(listed(r, by_number), expected_desc([](int k) { return k % 3 == 1; }));

  store::message_query by_word = all;
  by_word.text = "invoice";
  EXPECT_EQ(listed(r, by_word), expected_desc([](int k) { return k % 2 == 1; }));

  store::message_query in_conversation = all;
  in_conversation.conversation_id = "c1";
  in_conversation.order = store::sort_order::asc;
  auto asc = expected_desc([](int) { return true; });
  std::reverse(asc.begin(), asc.end());
  EXPECT_EQ(listed(r, in_conversation), asc);

  // A page token handed out before the upgrade (it held m5's old row id).
  store::message_query after_m5 = all;
  after_m5.after_key = old_row_of_m5;
  EXPECT_EQ(listed(r, after_m5),
            expected_desc([](int k) { return archived_time(k) < archived_time(5); }));

  // A message arriving now, created between two archived ones, takes the
  // next row id but sorts by its creation time.
  test::fake_bodies bodies;
  {
    store::writer w(o, bodies.renormaliser());
    w.start();
    core::message m;
    m.id = "new";
    m.type = "SMS";
    m.subject = "invoice late arrival";
    m.conversation_id = "c1";
    m.creation_time = archived_time(5) + 500;
    core::party from;
    from.phone_number = "+" + archived_number(1);
    m.from = from;
    auto written = test::submit_and_wait(w, test::message_notification(bodies, "u-new", *m.creation_time, m));
    EXPECT_EQ(written.status, store::write_status::stored);
  }
  EXPECT_GT(query_int(o, "SELECT id FROM messages WHERE rc_id='new'"),
            query_int(o, "SELECT max(id) FROM messages WHERE rc_id <> 'new'"));
  auto with_new = [&](std::vector<std::string> v) {
    auto at = std::find_if(v.begin(), v.end(), [](const std::string& id) {
      for (int k = 0; k < archived; ++k)
        if (id == "m" + std::to_string(k)) return archived_time(k) < archived_time(5) + 500;
      return false;
    });
    v.insert(at, "new");
    return v;
  };
  EXPECT_EQ(listed(r, all), with_new(expected_desc([](int) { return true; })));
  EXPECT_EQ(listed(r, by_number), with_new(expected_desc([](int k) { return k % 3 == 1; })));
  EXPECT_EQ(listed(r, by_word), with_new(expected_desc([](int k) { return k % 2 == 1; })));
}

}  // namespace
