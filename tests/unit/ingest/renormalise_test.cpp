// renormalise(kind, raw) gives exactly what parsing gave.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace rcvault;

TEST(Renormalise, EqualsParseForEveryEnvelopeFixture) {
  int checked = 0;
  for (const auto& dir : {"ingest", "payloads"}) {
    for (const auto& entry : std::filesystem::directory_iterator(rcvault::test::fixture_path(dir))) {
      std::string raw = rcvault::test::read_file(entry.path());
      auto n = ingest::parse_envelope(raw);
      if (!n) continue;
      EXPECT_EQ(ingest::renormalise(n->kind, raw), n->msg) << entry.path();
      ++checked;
    }
  }
  EXPECT_GT(checked, 40);
}

TEST(Renormalise, EqualsParseForRecords) {
  std::string raw = rcvault::test::read_file(rcvault::test::shared_payload_path("27-api-sms-queued-record.json"));
  auto n = ingest::parse_record(raw);
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(ingest::renormalise(core::event_kind::api_record, raw), n->msg);
}

TEST(Renormalise, RawOnlyKindsHaveNoMessage) {
  std::string raw = rcvault::test::read_file(rcvault::test::shared_payload_path("05-message-store-pager-new-ids.json"));
  EXPECT_EQ(ingest::renormalise(core::event_kind::message_store_changes, raw), std::nullopt);
  EXPECT_EQ(ingest::renormalise(core::event_kind::other, raw), std::nullopt);
}

TEST(Renormalise, GarbageHasNoMessage) {
  EXPECT_EQ(ingest::renormalise(core::event_kind::instant_message, "{not json"), std::nullopt);
}
