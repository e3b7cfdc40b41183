// Message Sync pages: records split with their exact bytes, syncInfo, stubs
// of deleted/purged messages, records of a changed shape kept whole.
#include "rcvault/core/time.hpp"
#include "rcvault/ingest/parse.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

using namespace rcvault;

namespace {

std::string page_text(const std::string& name) { return test::read_file(test::fixture_path("sync/" + name)); }

}  // namespace

TEST(SyncPage, ReadsSyncInfo) {
  auto p = ingest::parse_sync_page(page_text("fsync-page.json"), "400371259008");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->info.sync_type, "FSync");
  EXPECT_EQ(p->info.sync_token, "AQEAAAAAAwAAAVEa8k3QBgAAAAIFAAABURrz6VoTAQgAAABdN_yWgAkBCgGwXNsj");
  EXPECT_EQ(core::format_iso8601(p->info.sync_time), "2015-11-18T14:16:11.354Z");
  EXPECT_FALSE(p->info.older_records_exist);
}

TEST(SyncPage, RecordsKeepTheirExactBytes) {
  const std::string text = page_text("fsync-page.json");
  auto p = ingest::parse_sync_page(text, "400371259008");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->records.size(), 2u);
  for (const auto& r : p->records) {
    EXPECT_TRUE(r.n.raw.starts_with("{")) << r.n.raw;
    EXPECT_TRUE(r.n.raw.ends_with("}")) << r.n.raw;
    EXPECT_NE(text.find(r.n.raw), std::string::npos) << "raw is not a slice of the page";
  }
  EXPECT_NE(p->records[0].n.raw.find("\"id\" : 401060286008,"), std::string::npos);
  EXPECT_NE(p->records[1].n.raw.find("\"id\" : 401060274008,"), std::string::npos);
}

TEST(SyncPage, IdsBeyondTwoToThe53KeptDigitForDigit) {
  auto p = ingest::parse_sync_page(page_text("fsync-page.json"), "400371259008");
  ASSERT_TRUE(p.has_value());
  const auto& m0 = p->records[0].n.msg;
  const auto& m1 = p->records[1].n.msg;
  ASSERT_TRUE(m0 && m1);
  EXPECT_EQ(p->records[0].id, "401060286008");
  EXPECT_EQ(m0->conversation_id, "1817157275107994090");
  EXPECT_EQ(m1->conversation_id, "2701081737197845093");
  EXPECT_NE(p->records[0].n.raw.find("1817157275107994090"), std::string::npos);
}

TEST(SyncPage, FullRecordsAreApiRecordsWithVersionUuidAndCreationTime) {
  auto p = ingest::parse_sync_page(page_text("fsync-page.json"), "400371259008");
  ASSERT_TRUE(p.has_value());
  const auto& r = p->records[0];
  EXPECT_EQ(r.n.kind, core::event_kind::api_record);
  EXPECT_EQ(r.n.uuid, "api:401060286008:2015-11-18T14:14:38.166Z");
  EXPECT_FALSE(r.n.stub);
  ASSERT_TRUE(r.creation_time.has_value());
  EXPECT_EQ(core::format_iso8601(*r.creation_time), "2015-11-18T14:14:37.000Z");
  EXPECT_EQ(r.n.msg->owner_id, "400371259008");  // from the record's uri
}

TEST(SyncPage, OwnerIsTheMailboxWhenTheRecordNamesNone) {
  auto p = ingest::parse_sync_page(
      R"({"records":[{"id":7,"type":"SMS","direction":"Inbound","lastModifiedTime":"2024-01-01T00:00:00Z"}],)"
      R"("syncInfo":{"syncToken":"t","syncTime":"2024-01-01T00:00:01Z"}})",
      "555");
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(p->records[0].n.msg);
  EXPECT_EQ(p->records[0].n.msg->owner_id, "555");
}

TEST(SyncPage, StubOfADeletedMessageTakesTheSyncTime) {
  auto p = ingest::parse_sync_page(page_text("isync-page-with-stubs.json"), "400371259008");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_TRUE(p->info.older_records_exist);
  const auto& s = p->records[0];
  EXPECT_TRUE(s.n.stub);
  EXPECT_EQ(s.n.kind, core::event_kind::api_record);
  EXPECT_EQ(s.n.uuid, "api:401060286008:Deleted:2015-11-18T14:28:54.035Z");
  EXPECT_EQ(s.n.timestamp, p->info.sync_time);
  EXPECT_EQ(s.n.raw, R"({"id":401060286008,"availability":"Deleted"})");
  ASSERT_TRUE(s.n.msg);
  EXPECT_EQ(s.n.msg->id, "401060286008");
  EXPECT_EQ(s.n.msg->availability, "Deleted");
  // Everything else is left to the stored message.
  EXPECT_FALSE(s.n.msg->type);
  EXPECT_FALSE(s.n.msg->last_modified_time);
  EXPECT_FALSE(s.n.msg->creation_time);
  EXPECT_FALSE(s.n.msg->to);
  EXPECT_FALSE(s.n.unnormalised_reason);
}

TEST(SyncPage, StubWithUriIsAStubToo) {
  auto p = ingest::parse_sync_page(page_text("isync-page-with-stubs.json"), "400371259008");
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->records[1].n.stub);
  EXPECT_EQ(p->records[1].n.uuid, "api:401060274009:Purged:2015-11-18T14:28:54.035Z");
}

TEST(SyncPage, SameStubInTwoPagesOfDifferentSyncTimeIsTwoVersions) {
  const std::string a = R"({"records":[{"id":1,"availability":"Deleted"}],"syncInfo":{"syncToken":"t","syncTime":"2024-01-01T00:00:01Z"}})";
  const std::string b = R"({"records":[{"id":1,"availability":"Deleted"}],"syncInfo":{"syncToken":"u","syncTime":"2024-01-01T00:00:02Z"}})";
  auto pa = ingest::parse_sync_page(a, "1");
  auto pb = ingest::parse_sync_page(b, "1");
  ASSERT_TRUE(pa && pb);
  EXPECT_NE(pa->records[0].n.uuid, pb->records[0].n.uuid);
  auto again = ingest::parse_sync_page(a, "1");
  EXPECT_EQ(again->records[0].n.uuid, pa->records[0].n.uuid);
}

TEST(SyncPage, RecordOfAChangedShapeIsKeptWholeAsUnnormalised) {
  auto p = ingest::parse_sync_page(page_text("isync-page-with-stubs.json"), "400371259008");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->records.size(), 5u);
  const auto& changed = p->records[2];
  EXPECT_EQ(changed.id, "401060290001");
  EXPECT_FALSE(changed.n.stub);
  EXPECT_FALSE(changed.n.msg);
  ASSERT_TRUE(changed.n.unnormalised_reason);
  EXPECT_EQ(changed.n.raw, R"({"id":401060290001,"shape":"new in 2027"})");
  EXPECT_TRUE(changed.n.uuid.starts_with("api:401060290001:h")) << changed.n.uuid;
  EXPECT_EQ(changed.n.kind, core::event_kind::api_record);

  const auto& no_id = p->records[3];
  EXPECT_EQ(no_id.id, "");
  EXPECT_TRUE(no_id.n.uuid.starts_with("api:-:h")) << no_id.n.uuid;
  EXPECT_TRUE(no_id.n.unnormalised_reason);

  const auto& number = p->records[4];
  EXPECT_EQ(number.n.raw, "42");
  EXPECT_TRUE(number.n.unnormalised_reason);
}

TEST(SyncPage, WrongTypedFieldMakesTheRecordUnnormalisedNotLost) {
  auto p = ingest::parse_sync_page(
      R"({"records":[{"id":8,"type":"SMS","readStatus":17,"lastModifiedTime":"2024-01-01T00:00:00Z"}],)"
      R"("syncInfo":{"syncToken":"t","syncTime":"2024-01-01T00:00:01Z"}})",
      "1");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->records.size(), 1u);
  EXPECT_TRUE(p->records[0].n.unnormalised_reason);
  EXPECT_EQ(p->records[0].n.uuid, "api:8:2024-01-01T00:00:00.000Z");
}

TEST(SyncPage, NotJsonIsAnError) {
  auto p = ingest::parse_sync_page("<html>502 Bad Gateway</html>", "1");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, core::errc::invalid_json);
}

TEST(SyncPage, WithoutSyncTokenIsAnError) {
  auto p = ingest::parse_sync_page(R"({"records":[],"syncInfo":{"syncTime":"2024-01-01T00:00:01Z"}})", "1");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, core::errc::invalid_record);
  EXPECT_NE(p.error().message.find("syncToken"), std::string::npos);
}

TEST(SyncPage, WithoutRecordsArrayIsAnError) {
  auto p = ingest::parse_sync_page(R"({"syncInfo":{"syncToken":"t","syncTime":"2024-01-01T00:00:01Z"}})", "1");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message.find("records"), std::string::npos);
}

TEST(SyncPage, EmptyPageIsFine) {
  auto p = ingest::parse_sync_page(
      R"({"records" : [ ],"syncInfo":{"syncType":"ISync","syncToken":"t","syncTime":"2024-01-01T00:00:01Z"}})", "1");
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->records.empty());
}

TEST(SyncPage, EscapedStringsInsideRecordsDoNotConfuseTheSplit) {
  auto p = ingest::parse_sync_page(
      R"({"records":[{"id":1,"type":"SMS","subject":"a \"]}, {\" b","lastModifiedTime":"2024-01-01T00:00:00Z"},)"
      R"({"id":2,"type":"SMS","subject":"[{","lastModifiedTime":"2024-01-01T00:00:00Z"}],)"
      R"("syncInfo":{"syncToken":"t","syncTime":"2024-01-01T00:00:01Z"}})",
      "1");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->records.size(), 2u);
  EXPECT_EQ(p->records[0].n.raw,
            R"({"id":1,"type":"SMS","subject":"a \"]}, {\" b","lastModifiedTime":"2024-01-01T00:00:00Z"})");
  EXPECT_EQ(p->records[1].id, "2");
}
