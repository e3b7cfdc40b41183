// Splitting import files into items: NDJSON, arrays, single objects, list responses.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture_text;

namespace {
struct item {
  core::result<core::notification> result;
  std::size_t line;
};
std::vector<item> items_of(std::string_view text) {
  std::vector<item> out;
  ingest::for_each_import_item(text, [&](core::result<core::notification> r, std::size_t line) {
    out.push_back({std::move(r), line});
  });
  return out;
}
}  // namespace

TEST(ImportItems, NdjsonSkipsBlankLinesAndReportsLines) {
  auto items = items_of(ingest_fixture_text("import.ndjson"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].line, 1u);
  EXPECT_EQ(items[1].line, 3u);
  EXPECT_EQ(items[2].line, 4u);
  EXPECT_EQ(items[0].result->uuid, "imp-1");
  EXPECT_EQ(items[1].result->uuid, "imp-2");
  EXPECT_EQ(items[2].result->kind, core::event_kind::api_record);
}

TEST(ImportItems, NdjsonItemRawIsItsLine) {
  std::string text = ingest_fixture_text("import.ndjson");
  auto items = items_of(text);
  ASSERT_TRUE(items[0].result.has_value());
  EXPECT_EQ(items[0].result->raw, text.substr(0, text.find('\n')));
}

TEST(ImportItems, BadNdjsonLineCostsOnlyItself) {
  auto items = items_of(ingest_fixture_text("import-bad-line.ndjson"));
  ASSERT_EQ(items.size(), 4u);
  EXPECT_TRUE(items[0].result.has_value());
  ASSERT_FALSE(items[1].result.has_value());
  EXPECT_EQ(items[1].result.error().code, core::errc::invalid_json);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_TRUE(items[2].result.has_value());
  EXPECT_EQ(items[2].line, 3u);
  ASSERT_FALSE(items[3].result.has_value());
  EXPECT_EQ(items[3].result.error().code, core::errc::invalid_record);
  EXPECT_EQ(items[3].line, 4u);
}

TEST(ImportItems, ArrayOfEnvelopesAndRecords) {
  auto items = items_of(ingest_fixture_text("import-array.json"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].line, 2u);
  EXPECT_EQ(items[1].line, 3u);
  EXPECT_EQ(items[2].line, 4u);
  EXPECT_EQ(items[1].result->kind, core::event_kind::api_record);
  EXPECT_TRUE(items[2].result->raw.starts_with("{\"uuid\": \"imp-2\""));
}

TEST(ImportItems, SinglePrettyObjectIsOneItem) {
  auto items = items_of(rcvault::test::read_file(rcvault::test::shared_payload_path("08-fax-inbound.json")));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].line, 1u);
  ASSERT_TRUE(items[0].result && items[0].result->msg);
  EXPECT_EQ(items[0].result->kind, core::event_kind::fax);
}

TEST(ImportItems, EmptyTextHasNoItems) { EXPECT_TRUE(items_of(" \n\t\n").empty()); }

TEST(ImportItems, UnterminatedArrayReportedOnce) {
  auto items = items_of("[\n{\"id\":1,\"type\":\"SMS\"},\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE(items[0].result.has_value());
  ASSERT_FALSE(items[1].result.has_value());
  EXPECT_EQ(items[1].result.error().code, core::errc::invalid_json);
}

TEST(ImportItems, ScalarItemIsInvalidRecord) {
  auto items = items_of("[1]");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].result.error().code, core::errc::invalid_record);
}

TEST(ImportItems, ByteOrderMarkIgnored) {
  auto items = items_of("\xEF\xBB\xBF{\"id\":1,\"type\":\"SMS\"}");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].result.has_value());
}

TEST(ImportItems, ListResponseOnOneNdjsonLine) {
  auto items = items_of("{\"records\":[{\"id\":1,\"type\":\"SMS\"},{\"id\":2,\"type\":\"Fax\"}]}\n{\"id\":3,\"type\":\"Pager\"}\n");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].result->raw, "{\"id\":1,\"type\":\"SMS\"}");
  EXPECT_EQ(items[1].result->msg->type, "Fax");
  EXPECT_EQ(items[2].line, 2u);
}
