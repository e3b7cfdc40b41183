// Envelope errors and hostile input: precise errors, never a crash.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture;
using rcvault::test::read_file;
using rcvault::test::shared_payload_path;

namespace {
core::error error_of(std::string_view raw) {
  auto n = ingest::parse_envelope(raw);
  if (n) return {core::errc::internal, "parsed"};
  return n.error();
}
core::error fixture_error(const std::string& name) {
  return error_of(rcvault::test::ingest_fixture_text(name));
}
}  // namespace

TEST(Envelope, MissingUuidNamed) {
  auto e = fixture_error("envelope-missing-uuid.json");
  EXPECT_EQ(e.code, core::errc::invalid_envelope);
  EXPECT_EQ(e.message, "missing uuid");
}
TEST(Envelope, NullUuidIsMissing) { EXPECT_EQ(fixture_error("envelope-uuid-null.json").message, "missing uuid"); }
TEST(Envelope, MissingBodyNamed) {
  auto e = fixture_error("envelope-missing-body.json");
  EXPECT_EQ(e.code, core::errc::invalid_envelope);
  EXPECT_EQ(e.message, "missing body");
}
TEST(Envelope, ArrayBodyRejected) {
  auto e = fixture_error("envelope-body-array.json");
  EXPECT_EQ(e.code, core::errc::invalid_envelope);
  EXPECT_EQ(e.message, "body is not an object");
}
TEST(Envelope, ObjectUuidRejected) {
  auto e = fixture_error("envelope-uuid-object.json");
  EXPECT_EQ(e.code, core::errc::invalid_envelope);
  EXPECT_EQ(e.message, "uuid is not a string or an integer");
}
TEST(Envelope, EmptyObjectNamesBothMissing) {
  EXPECT_EQ(error_of("{}").message, "not a notification envelope: missing uuid and body");
}
TEST(Envelope, ArrayIsInvalidJson) {
  auto e = fixture_error("not-an-object.json");
  EXPECT_EQ(e.code, core::errc::invalid_json);
  EXPECT_EQ(e.message, "not a JSON object");
}
TEST(Envelope, TrailingCommaIsInvalidJsonWithOffset) {
  auto e = fixture_error("trailing-comma.json");
  EXPECT_EQ(e.code, core::errc::invalid_json);
  EXPECT_TRUE(e.message.starts_with("invalid JSON at byte 29:")) << e.message;
}
TEST(Envelope, EmptyBodyIsInvalidJson) {
  auto e = error_of("");
  EXPECT_EQ(e.code, core::errc::invalid_json);
  EXPECT_TRUE(e.message.starts_with("invalid JSON at byte 0:")) << e.message;
}
TEST(Envelope, OffsetPointsAtTheFault) {
  auto e = error_of(R"({"uuid":"a" "body":{}})");
  EXPECT_TRUE(e.message.starts_with("invalid JSON at byte 12:")) << e.message;
}
TEST(Envelope, TrailingDataIsInvalidJson) {
  auto e = error_of(R"({"uuid":"a","body":{}} {})");
  EXPECT_EQ(e.code, core::errc::invalid_json);
  EXPECT_TRUE(e.message.starts_with("invalid JSON at byte 23:")) << e.message;
}

TEST(Hostile, EveryTruncationIsInvalidJson) {
  std::string raw = read_file(shared_payload_path("01-instant-sms-2025-docs.json"));
  // Stop before the closing brace: every proper prefix is incomplete.
  std::size_t last = raw.rfind('}');
  for (std::size_t len = 0; len < last; ++len) {
    auto e = error_of(std::string_view(raw).substr(0, len));
    ASSERT_EQ(e.code, core::errc::invalid_json) << "prefix length " << len;
  }
}

TEST(Hostile, HundredThousandDeepNestingRejected) {
  std::string raw = R"({"uuid":"deep","body":{"id":"1","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}}";
  auto e = error_of(raw);
  EXPECT_EQ(e.code, core::errc::invalid_json);
  EXPECT_TRUE(e.message.starts_with("JSON nested deeper than 64 levels")) << e.message;
}

TEST(Hostile, NestingWithinLimitKeptInExtra) {
  std::string raw = R"({"uuid":"deep","event":"/restapi/v1.0/account/~/extension/1/fax","body":{"id":"1","x":)" +
                    std::string(50, '[') + std::string(50, ']') + "}}";
  auto n = ingest::parse_envelope(raw);
  ASSERT_TRUE(n && n->msg);
  EXPECT_TRUE(n->msg->extra.at("x").is_array());
}

TEST(Hostile, TenMegabyteStringKeptWhole) {
  std::string text(10 * 1024 * 1024, 'a');
  std::string raw = R"({"uuid":"big","event":"/restapi/v1.0/account/~/extension/1/message-store/instant","body":{"id":"1","subject":")" +
                    text + "\"}}";
  auto n = ingest::parse_envelope(raw);
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->msg->subject->size(), text.size());
  EXPECT_EQ(n->raw.size(), raw.size());
}

TEST(Hostile, InvalidUtf8ByteRejectedWithOffset) {
  std::string raw = "{\"uuid\":\"u\",\"body\":{\"subject\":\"caf\xE9 au lait\"}}";
  auto e = error_of(raw);
  EXPECT_EQ(e.code, core::errc::invalid_json);
  EXPECT_EQ(e.message, "invalid UTF-8 at byte 34");
}

TEST(Hostile, OverlongUtf8Rejected) {
  EXPECT_EQ(error_of("{\"uuid\":\"\xC0\xAF\",\"body\":{}}").code, core::errc::invalid_json);
}

TEST(Hostile, Utf8EncodedSurrogateRejected) {
  EXPECT_EQ(error_of("{\"uuid\":\"\xED\xA0\x80\",\"body\":{}}").code, core::errc::invalid_json);
}

TEST(Hostile, NulBytesInsideStringEscapesAreKept) {
  auto n = ingest::parse_envelope(
      R"({"uuid":"nul","event":"/restapi/v1.0/account/~/extension/1/fax","body":{"id":"1","subject":"a\u0000b"}})");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(*n->msg->subject, std::string("a\0b", 3));
}

TEST(Hostile, RawNulByteIsInvalidJson) {
  EXPECT_EQ(error_of(std::string("{\"uuid\":\"a\0\",\"body\":{}}", 23)).code, core::errc::invalid_json);
}
