// ISO 8601 parsing and the one output form.
#include "rcvault/core/time.hpp"

#include <gtest/gtest.h>

using rcvault::core::format_iso8601;
using rcvault::core::parse_iso8601;

namespace {
std::string normalised(std::string_view s, bool assume_utc = false) {
  auto t = parse_iso8601(s, assume_utc);
  return t ? format_iso8601(*t) : "nullopt";
}
}  // namespace

TEST(Time, ZuluWithMilliseconds) { EXPECT_EQ(normalised("2025-07-30T18:12:45.034Z"), "2025-07-30T18:12:45.034Z"); }
TEST(Time, EpochIsZero) { EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0); }
TEST(Time, KnownInstantInMilliseconds) { EXPECT_EQ(parse_iso8601("2001-09-09T01:46:40.000Z"), 1000000000000); }
TEST(Time, OffsetWithoutColon) { EXPECT_EQ(normalised("2014-04-29T14:29:27.408+0000"), "2014-04-29T14:29:27.408Z"); }
TEST(Time, OffsetWithColon) { EXPECT_EQ(normalised("2014-04-29T14:29:27.408+00:00"), "2014-04-29T14:29:27.408Z"); }
TEST(Time, PositiveOffsetSubtracted) { EXPECT_EQ(normalised("2024-01-01T01:30:00+02:00"), "2023-12-31T23:30:00.000Z"); }
TEST(Time, NegativeOffsetWithoutColonAdded) { EXPECT_EQ(normalised("2024-02-28T22:00:00-0300"), "2024-02-29T01:00:00.000Z"); }
TEST(Time, NoFraction) { EXPECT_EQ(normalised("2024-05-01T12:00:00Z"), "2024-05-01T12:00:00.000Z"); }
TEST(Time, OneFractionDigitIsTenths) { EXPECT_EQ(normalised("2024-05-01T12:00:00.5Z"), "2024-05-01T12:00:00.500Z"); }
TEST(Time, SixFractionDigitsTruncated) { EXPECT_EQ(normalised("2021-05-26T04:16:42.985974Z"), "2021-05-26T04:16:42.985Z"); }
TEST(Time, NineFractionDigitsTruncated) { EXPECT_EQ(normalised("2021-05-26T04:16:42.999999999Z"), "2021-05-26T04:16:42.999Z"); }
TEST(Time, TenFractionDigitsRejected) { EXPECT_EQ(normalised("2021-05-26T04:16:42.9999999999Z"), "nullopt"); }
TEST(Time, EmptyFractionRejected) { EXPECT_EQ(normalised("2021-05-26T04:16:42.Z"), "nullopt"); }
TEST(Time, MissingZoneRejectedByDefault) { EXPECT_EQ(normalised("2012-02-25T00:00:00"), "nullopt"); }
TEST(Time, MissingZoneAcceptedAsUtcWhenAsked) {
  EXPECT_EQ(normalised("2012-02-25T00:00:00", true), "2012-02-25T00:00:00.000Z");
}
TEST(Time, SecondsMayBeLeftOut) { EXPECT_EQ(normalised("2024-05-01T12:34Z"), "2024-05-01T12:34:00.000Z"); }
TEST(Time, SecondsLeftOutWithOffset) { EXPECT_EQ(normalised("2024-05-01T12:34+02:00"), "2024-05-01T10:34:00.000Z"); }
TEST(Time, FractionWithoutSecondsRejected) { EXPECT_EQ(normalised("2024-05-01T12:34.5Z"), "nullopt"); }
TEST(Time, DateAloneIsMidnightUtc) { EXPECT_EQ(normalised("2024-05-01"), "2024-05-01T00:00:00.000Z"); }
TEST(Time, LeapDayAccepted) { EXPECT_EQ(normalised("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z"); }
TEST(Time, NonLeapFebruary29Rejected) { EXPECT_EQ(normalised("2023-02-29T00:00:00Z"), "nullopt"); }
TEST(Time, MonthThirteenRejected) { EXPECT_EQ(normalised("2024-13-01T00:00:00Z"), "nullopt"); }
TEST(Time, HourTwentyFourRejected) { EXPECT_EQ(normalised("2024-01-01T24:00:00Z"), "nullopt"); }
TEST(Time, OffsetHourOutOfRangeRejected) { EXPECT_EQ(normalised("2024-01-01T00:00:00+24:00"), "nullopt"); }
TEST(Time, TrailingGarbageRejected) { EXPECT_EQ(normalised("2024-01-01T00:00:00Zjunk"), "nullopt"); }
TEST(Time, TruncatedRejected) { EXPECT_EQ(normalised("2024-01-01T00:0"), "nullopt"); }
TEST(Time, EmptyRejected) { EXPECT_EQ(normalised(""), "nullopt"); }
TEST(Time, NonDigitsRejected) { EXPECT_EQ(normalised("2O24-01-01T00:00:00Z"), "nullopt"); }
TEST(Time, BeforeEpochFormatsCorrectly) { EXPECT_EQ(normalised("1969-12-31T23:59:59.999Z"), "1969-12-31T23:59:59.999Z"); }
TEST(Time, FormatClampsOutOfRangeValues) {
  EXPECT_EQ(format_iso8601(std::numeric_limits<rcvault::core::millis>::max()), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(std::numeric_limits<rcvault::core::millis>::min()), "0000-01-01T00:00:00.000Z");
}
