// REST message records as api_record notifications.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture_text;

TEST(Record, UuidUsesNormalisedLastModifiedTime) {
  auto n = ingest::parse_record(ingest_fixture_text("fax-outbound-record.json"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->uuid, "api:3:2024-05-01T10:05:00.000Z");
  EXPECT_EQ(n->kind, core::event_kind::api_record);
  EXPECT_EQ(n->event, "");
}

TEST(Record, SameRecordGivesSameUuid) {
  auto a = ingest::parse_record(R"({"id":5,"type":"SMS","lastModifiedTime":"2024-05-01T10:05:00+00:00"})");
  auto b = ingest::parse_record(R"({"type":"SMS", "id":"5", "lastModifiedTime":"2024-05-01T10:05:00.000Z"})");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->uuid, b->uuid);
}

TEST(Record, NewerVersionGetsNewUuid) {
  auto a = ingest::parse_record(R"({"id":5,"type":"SMS","lastModifiedTime":"2024-05-01T10:05:00Z"})");
  auto b = ingest::parse_record(R"({"id":5,"type":"SMS","lastModifiedTime":"2024-05-01T10:05:01Z"})");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->uuid, b->uuid);
}

TEST(Record, WithoutLastModifiedTimeUuidHashesContent) {
  auto a = ingest::parse_record(ingest_fixture_text("record-without-last-modified.json"));
  auto b = ingest::parse_record(R"({"id":42,"availability":"Purged"})");
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->uuid.starts_with("api:42:h")) << a->uuid;
  EXPECT_EQ(a->uuid.size(), std::string("api:42:h").size() + 16);
  EXPECT_NE(a->uuid, b->uuid);
  EXPECT_EQ(a->msg->availability, "Deleted");
}

TEST(Record, OwnerFromRecordExtensionId) {
  auto n = ingest::parse_record(ingest_fixture_text("record-owner-extension.json"));
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->msg->owner_id, "1346632010");
  EXPECT_EQ(n->msg->extra.at("extensionId"), "1346632010");
}

TEST(Record, SubscriptionRecordIsInvalidRecord) {
  auto n = ingest::parse_record(R"({"id":"1423e408","status":"Blacklisted","creationTime":"2022-03-18T01:45:30.573Z"})");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, core::errc::invalid_record);
}

TEST(Record, EnvelopeIsInvalidRecord) {
  auto n = ingest::parse_record(R"({"uuid":"1","body":{"id":"1"}})");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, core::errc::invalid_record);
}

TEST(Record, FractionalRecordIdIsInvalidRecord) {
  auto n = ingest::parse_record(R"({"id":1.5,"type":"SMS"})");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().message, "record id is not an integer or exceeds 64 bits");
}

TEST(Record, WrongFieldTypeIsUnnormalisedRecord) {
  auto n = ingest::parse_record(R"({"id":7,"type":"SMS","to":{"phoneNumber":"+1"},"lastModifiedTime":"2024-05-01T10:05:00Z"})");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_EQ(n->unnormalised_reason, "record.to: expected an array");
  EXPECT_EQ(n->uuid, "api:7:2024-05-01T10:05:00.000Z");
}

TEST(Record, BrokenJsonIsInvalidJson) {
  auto n = ingest::parse_record(R"({"id":7,)");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, core::errc::invalid_json);
}
