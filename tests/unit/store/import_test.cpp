// rcvault import (and backup while it runs) against real temp-dir databases.
#include "rcvault/app/commands.hpp"
#include "rcvault/core/time.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <thread>

namespace {

using namespace rcvault;

config::config config_in(const test::temp_dir& dir) {
  config::config cfg;
  cfg.store.path = dir / "var" / "rcvault.db";
  cfg.store.synchronous = config::synchronous_mode::normal;
  return cfg;
}

store::options options_of(const config::config& cfg) {
  store::options o;
  o.path = cfg.store.path;
  return o;
}

struct import_run {
  int exit_code;
  std::string out;
  std::string err;
};

import_run run_import(const config::config& cfg, const std::filesystem::path& file) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const int code = app::import_file(cfg, file.string());
  auto out = testing::internal::GetCapturedStdout();
  auto err = testing::internal::GetCapturedStderr();
  return {code, out, err};
}

// Writes `count` distinct instant-message envelopes as NDJSON.
void write_ndjson(const std::filesystem::path& file, std::size_t count) {
  std::ofstream out(file, std::ios::binary);
  for (std::size_t i = 0; i < count; ++i) {
    const auto secs = 1'700'000'000 + i;
    out << fmt::format(
        R"({{"uuid":"imp-{0}","event":"/restapi/v1.0/account/~/extension/1{1}/message-store/instant?type=SMS",)"
        R"("timestamp":"2023-11-14T22:13:20.000Z","subscriptionId":"s-1","ownerId":"1{1}",)"
        R"("body":{{"id":"{2}","to":[{{"phoneNumber":"+1650555{3:04}","name":"Customer {3}"}}],)"
        R"("from":{{"phoneNumber":"+1415555{4:04}","location":"San Mateo, CA"}},"type":"SMS",)"
        R"("creationTime":"{5}","lastModifiedTime":"{5}","readStatus":"Unread","priority":"Normal",)"
        R"("attachments":[{{"id":"{2}","type":"Text","contentType":"text/plain"}}],"direction":"Inbound",)"
        R"("availability":"Alive","subject":"order {2} shipped, see you soon","messageStatus":"Received",)"
        R"("conversationId":"{6}","conversation":{{"id":"{6}"}},"eventType":"Create","owner":{{"extensionId":"1{1}"}}}}}})"
        "\n",
        i, i % 50, 7'000'000'000ULL + i, i % 10'000, i % 97, core::format_iso8601(static_cast<core::millis>(secs) * 1000),
        4'000'000 + i % 5'000);
  }
}

TEST(Import, EverySharedPayloadIsStoredOrCountedDuplicate) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  const char* payloads[] = {"01-instant-sms-2025-docs.json",       "02-instant-mms-2025-docs.json",
                            "03-instant-sms-legacy-sample.json",   "04-instant-sms-minimal-body.json",
                            "05-message-store-pager-new-ids.json", "06-message-store-pager-sms-legacy.json",
                            "07-message-store-fax-new.json",       "08-fax-inbound.json",
                            "09-voicemail.json",                   "17-a2p-inbound.json",
                            "23-api-sms-list-response.json",       "24-api-voicemail-record.json",
                            "25-api-outbound-sms-delivered-record.json", "26-api-pager-outbound-record.json",
                            "27-api-sms-queued-record.json"};
  std::string summary;
  for (const char* p : payloads) {
    auto r = run_import(cfg, test::shared_payload_path(p));
    EXPECT_EQ(r.exit_code, 0) << p << ": " << r.err;
    summary += r.out;
  }
  // 08 and 09 reuse 03's documentation uuid, 07 reuses 06's.
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 15);
  const auto o = options_of(cfg);
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM events"), 12);
  EXPECT_EQ(test::counter(o, "events.duplicate"), 3);
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM events WHERE kind='api_record'"), 5);
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM messages WHERE rc_id IN ('6424569004','402406985008',"
                               "'320272588010','320272670010','972869004','3062991514017')"),
            6);
}

TEST(Import, SameExportTwiceStoresNothingNew) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  auto first = run_import(cfg, test::shared_payload_path("23-api-sms-list-response.json"));
  auto second = run_import(cfg, test::shared_payload_path("23-api-sms-list-response.json"));
  EXPECT_EQ(first.out, "1 stored, 0 duplicate, 0 rejected\n");
  EXPECT_EQ(second.out, "0 stored, 1 duplicate, 0 rejected\n");
  EXPECT_EQ(second.exit_code, 0);
}

TEST(Import, NonMessageItemIsRejectedNamingFileAndLine) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  auto file = dir / "mixed.ndjson";
  {
    std::ofstream out(file);
    out << R"({"uuid":"ok-1","event":"/restapi/v1.0/account/~/extension/1/message-store/instant?type=SMS","timestamp":"2024-01-01T00:00:00Z","body":{"id":"5","type":"SMS","subject":"hi"}})"
        << "\n{not json\n";
  }
  auto r = run_import(cfg, file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "1 stored, 0 duplicate, 1 rejected\n");
  EXPECT_NE(r.err.find("rcvault: error: " + file.string() + ":2: invalid_json"), std::string::npos) << r.err;
}

TEST(Import, SubscriptionListIsRejected) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  auto r = run_import(cfg, test::shared_payload_path("29-api-subscription-blacklisted.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "0 stored, 0 duplicate, 1 rejected\n");
  EXPECT_NE(r.err.find("29-api-subscription-blacklisted.json:"), std::string::npos) << r.err;
}

TEST(Import, MissingFileIsAnErrorNamingIt) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  auto r = run_import(cfg, dir / "nope.ndjson");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.ndjson"), std::string::npos) << r.err;
}

TEST(Import, HundredThousandNotificationsNdjson) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  auto file = dir / "big.ndjson";
  write_ndjson(file, 100'000);
  auto r = run_import(cfg, file);
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 500);
  EXPECT_EQ(r.out, "100000 stored, 0 duplicate, 0 rejected\n");
  const auto o = options_of(cfg);
  EXPECT_EQ(test::query_int(o, "SELECT count(*) FROM messages"), 100'000);
  EXPECT_EQ(test::counter(o, "messages.total"), 100'000);
}

TEST(Import, BackupDuringImportOpensAndPassesIntegrityCheck) {
  test::temp_dir dir;
  auto cfg = config_in(dir);
  auto file = dir / "big.ndjson";
  write_ndjson(file, 20'000);
  ASSERT_EQ(app::migrate(cfg, false), 0);
  import_run result{};
  // jthread: joined even when an assertion below throws.
  std::jthread importer([&] {
    result.exit_code = app::import_file(cfg, file.string());
  });
  // Wait until the import has committed something, then copy while it runs.
  const auto o = options_of(cfg);
  while (test::counter(o, "events.total") == 0) std::this_thread::yield();
  const auto copy = dir / "copy.db";
  const int backup_code = app::backup(cfg, copy);
  importer.join();
  ASSERT_EQ(backup_code, 0);
  EXPECT_EQ(result.exit_code, 0);
  SQLite::Database db(copy.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  const auto events = db.execAndGet("SELECT count(*) FROM events").getInt64();
  EXPECT_GT(events, 0);
  EXPECT_EQ(db.execAndGet("SELECT value FROM counters WHERE name='events.total'").getInt64(), events);
}

}  // namespace
