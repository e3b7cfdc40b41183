#include "rcvault/store/database.hpp"
#include "temp_dir.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <cctype>

namespace {

using namespace rcvault;

store::options options_in(const test::temp_dir& dir) {
  store::options o;
  o.path = dir / "sub" / "rcvault.db";
  return o;
}

void exec(const store::options& o, const std::string& sql) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READWRITE);
  db.exec(sql);
}

// Drops "--" comments and whitespace around punctuation, collapses the rest.
std::string normalise_sql(const std::string& in) {
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '-' && i + 1 < in.size() && in[i + 1] == '-') {
      while (i < in.size() && in[i] != '\n') ++i;
      pending_space = true;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(in[i]))) {
      pending_space = true;
      continue;
    }
    const bool punct = in[i] == '(' || in[i] == ')' || in[i] == ',';
    const bool after_punct = !out.empty() && (out.back() == '(' || out.back() == ')' || out.back() == ',');
    if (pending_space && !punct && !after_punct && !out.empty()) out += ' ';
    pending_space = false;
    out += in[i];
  }
  return out;
}

// sqlite_master without comments and with whitespace collapsed, one line per object.
std::string normalised_schema(const std::filesystem::path& file) {
  SQLite::Database db(file.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name");
  std::string out;
  while (q.executeStep()) {
    std::string sql = normalise_sql(q.getColumn(3).getString());
    out += q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " + q.getColumn(2).getString() + ": " +
           sql + "\n";
  }
  return out;
}

TEST(Migrate, FreshDatabaseGetsEveryMigration) {
  test::temp_dir dir;
  auto o = options_in(dir);
  auto r = store::migrate(o);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->front().name, "0001_initial");
  for (const auto& m : *r) EXPECT_TRUE(m.applied) << m.name;
  EXPECT_TRUE(store::schema_current(o));
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_TRUE(db.tableExists("messages"));
}

TEST(Migrate, RerunChangesNothing) {
  test::temp_dir dir;
  auto o = options_in(dir);
  auto first = store::migrate(o);
  ASSERT_TRUE(first.has_value());
  auto second = store::migrate(o);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  ASSERT_EQ(first->size(), second->size());
  for (std::size_t i = 0; i < first->size(); ++i) EXPECT_EQ((*first)[i].applied_at, (*second)[i].applied_at);
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM schema_migrations").getInt64(),
            static_cast<std::int64_t>(first->size()));
}

TEST(Migrate, EditedMigrationIsRefusedNamingIt) {
  test::temp_dir dir;
  auto o = options_in(dir);
  ASSERT_TRUE(store::migrate(o).has_value());
  exec(o, "UPDATE schema_migrations SET checksum='0000' WHERE version=1");
  auto before = normalised_schema(o.path);
  auto r = store::migrate(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::migration);
  EXPECT_NE(r.error().message.find("0001_initial"), std::string::npos) << r.error().message;
  EXPECT_EQ(normalised_schema(o.path), before);
  EXPECT_FALSE(store::schema_current(o));
}

TEST(Migrate, NewerDatabaseIsRefusedAndUntouched) {
  test::temp_dir dir;
  auto o = options_in(dir);
  ASSERT_TRUE(store::migrate(o).has_value());
  exec(o, "INSERT INTO schema_migrations VALUES(9999, '9999_future', 'abc', 0)");
  auto r = store::migrate(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::migration);
  EXPECT_NE(r.error().message.find("9999_future"), std::string::npos) << r.error().message;
  auto status = store::migration_status(o);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, core::errc::migration);
}

TEST(Migrate, StatusOfMissingFileIsAnErrorAndCreatesNothing) {
  test::temp_dir dir;
  auto o = options_in(dir);
  auto r = store::migration_status(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_FALSE(std::filesystem::exists(o.path));
}

TEST(Migrate, SchemaFileMatchesWhatMigrationsProduce) {
  test::temp_dir dir;
  auto o = options_in(dir);
  ASSERT_TRUE(store::migrate(o).has_value());
  const auto from_file = dir / "from-schema-file.db";
  {
    SQLite::Database db(from_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(test::read_file(std::filesystem::path(RCVAULT_SOURCE_DIR) / "schema" / "schema.sql"));
  }
  EXPECT_EQ(normalised_schema(from_file), normalised_schema(o.path));
}

TEST(Check, HealthyDatabasePasses) {
  test::temp_dir dir;
  auto o = options_in(dir);
  ASSERT_TRUE(store::migrate(o).has_value());
  auto r = store::check(o);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, "");
}

TEST(Check, UnmigratedDatabaseNamesThePendingMigration) {
  test::temp_dir dir;
  auto o = options_in(dir);
  std::filesystem::create_directories(o.path.parent_path());
  { SQLite::Database db(o.path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); db.exec("CREATE TABLE t(x)"); }
  auto r = store::check(o);
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->find("0001_initial"), std::string::npos) << *r;
}

TEST(Backup, CopyOpensAndPassesIntegrityCheck) {
  test::temp_dir dir;
  auto o = options_in(dir);
  ASSERT_TRUE(store::migrate(o).has_value());
  exec(o, "INSERT INTO counters VALUES('x', 42)");
  auto out = dir / "copy.db";
  ASSERT_TRUE(store::backup(o, out).has_value());
  SQLite::Database db(out.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT value FROM counters WHERE name='x'").getInt(), 42);
}

TEST(Backup, ExistingTargetIsRefused) {
  test::temp_dir dir;
  auto o = options_in(dir);
  ASSERT_TRUE(store::migrate(o).has_value());
  auto out = dir / "copy.db";
  { std::ofstream(out) << "keep"; }
  auto r = store::backup(o, out);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::usage);
  EXPECT_EQ(test::read_file(out), "keep");
}

}  // namespace
