// Every ISO 8601 form RingCentral sends, normalised to UTC milliseconds.
#include "ingest_fixture.hpp"
#include "rcvault/core/time.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture;
using rcvault::test::normalised_fixture;

namespace {
std::string created(const std::string& fixture) {
  return core::format_iso8601(*normalised_fixture(fixture).creation_time);
}
}  // namespace

TEST(Times, ZuluWithMilliseconds) { EXPECT_EQ(created("id-json-number.json"), "2024-05-01T11:59:59.123Z"); }
TEST(Times, OffsetWithColon) { EXPECT_EQ(created("time-offset-colon.json"), "2024-05-01T11:59:59.123Z"); }
TEST(Times, OffsetWithoutColon) { EXPECT_EQ(created("time-offset-no-colon.json"), "2024-05-01T11:59:59.123Z"); }
TEST(Times, NoFraction) { EXPECT_EQ(created("time-no-fraction.json"), "2024-05-01T11:59:59.000Z"); }
TEST(Times, SixFractionDigitsTruncateToMilliseconds) {
  EXPECT_EQ(created("time-six-digits.json"), "2021-05-26T04:16:42.985Z");
}
TEST(Times, NineFractionDigitsTruncateToMilliseconds) {
  EXPECT_EQ(created("time-nine-digits.json"), "2021-05-26T04:16:42.985Z");
}
TEST(Times, NegativeOffsetCrossesMidnightToUtc) {
  EXPECT_EQ(created("time-negative-offset.json"), "2024-05-01T06:30:00.000Z");
}

TEST(Times, EnvelopeTimestampWithOffsetWithoutColon) {
  auto n = ingest_fixture("time-envelope-offset-no-colon.json");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(core::format_iso8601(*n->timestamp), "2014-04-29T14:29:27.408Z");
}

TEST(Times, SmsDeliveryFieldsNormalised) {
  auto m = normalised_fixture("time-sms-delivery.json");
  EXPECT_EQ(core::format_iso8601(*m.sms_delivery_time), "2024-05-01T12:00:05.000Z");
  EXPECT_EQ(m.sms_sending_attempts_count, 1);
  EXPECT_EQ(m.segment_count, 2);
  EXPECT_EQ(m.delivery_error_code, "SMS-CAR-411");
}

TEST(Times, UnparseableTimeMakesMessageUnnormalised) {
  auto n = ingest_fixture("time-not-iso.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_EQ(n->unnormalised_reason, "body.creationTime: not an ISO 8601 time");
}

TEST(Times, NumberTimeMakesMessageUnnormalised) {
  auto n = ingest_fixture("time-json-number.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->unnormalised_reason, "body.lastModifiedTime: expected an ISO 8601 time string");
}

TEST(Times, ImpossibleDateMakesMessageUnnormalised) {
  auto n = ingest_fixture("time-impossible-date.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->unnormalised_reason, "body.creationTime: not an ISO 8601 time");
}

TEST(Times, BadEnvelopeTimestampMakesMessageUnnormalised) {
  auto n = ingest_fixture("time-envelope-bad.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_FALSE(n->timestamp.has_value());
  EXPECT_EQ(n->unnormalised_reason, "envelope.timestamp: not an ISO 8601 time");
}
