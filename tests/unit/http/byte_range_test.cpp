// The Range header of the attachment content endpoint (docs/attachments.md):
// which slice a client gets for each form, and when it gets everything or 416.
#include "byte_range.hpp"

#include <gtest/gtest.h>

namespace rcvault::http::detail {
namespace {

using kind = byte_range::kind;

TEST(ByteRange, FirstToLastIsThatSlice) {
  const auto r = parse_byte_range("bytes=10-19", 100);
  EXPECT_EQ(r.what, kind::partial);
  EXPECT_EQ(r.first, 10u);
  EXPECT_EQ(r.last, 19u);
}

TEST(ByteRange, OpenEndedRunsToTheEnd) {
  const auto r = parse_byte_range("bytes=90-", 100);
  EXPECT_EQ(r.what, kind::partial);
  EXPECT_EQ(r.first, 90u);
  EXPECT_EQ(r.last, 99u);
}

TEST(ByteRange, SuffixIsTheLastBytes) {
  const auto r = parse_byte_range("bytes=-5", 100);
  EXPECT_EQ(r.what, kind::partial);
  EXPECT_EQ(r.first, 95u);
  EXPECT_EQ(r.last, 99u);
  const auto longer = parse_byte_range("bytes=-500", 100);
  EXPECT_EQ(longer.what, kind::partial);
  EXPECT_EQ(longer.first, 0u);
  EXPECT_EQ(longer.last, 99u);
}

TEST(ByteRange, LastPastTheEndIsCut) {
  const auto r = parse_byte_range("bytes=50-1000", 100);
  EXPECT_EQ(r.what, kind::partial);
  EXPECT_EQ(r.last, 99u);
}

TEST(ByteRange, StartAtOrPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(parse_byte_range("bytes=100-", 100).what, kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=200-300", 100).what, kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=-0", 100).what, kind::unsatisfiable);
  EXPECT_EQ(parse_byte_range("bytes=0-", 0).what, kind::unsatisfiable);
}

TEST(ByteRange, SeveralRangesOrMalformedOnesAreTheWholeContent) {
  EXPECT_EQ(parse_byte_range("", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("bytes=0-1,5-6", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("items=0-1", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("bytes=5-1", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("bytes=a-b", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("bytes=-", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("bytes=+1-2", 100).what, kind::whole);
  EXPECT_EQ(parse_byte_range("bytes=99999999999999999999-", 100).what, kind::whole);
}

TEST(ByteRange, UnitIsCaseInsensitive) { EXPECT_EQ(parse_byte_range("Bytes=0-0", 100).what, kind::partial); }

}  // namespace
}  // namespace rcvault::http::detail
