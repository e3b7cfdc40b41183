// Message-store "changes" bodies: counts default to 0, ids as text.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture;

TEST(Changes, OmittedCountsAreZeroAndVoicemailSpellingCanonical) {
  auto n = ingest_fixture("changes-update-only.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, core::event_kind::message_store_changes);
  ASSERT_EQ(n->changes.size(), 2u);
  EXPECT_EQ(n->changes[0].new_count, 0);
  EXPECT_EQ(n->changes[0].updated_count, 2);
  EXPECT_TRUE(n->changes[0].new_message_ids.empty());
  EXPECT_EQ(n->changes[1].type, "VoiceMail");
  EXPECT_EQ(n->changes[1].updated_count, 0);
}

TEST(Changes, MixedIdFormsBecomeText) {
  auto n = ingest_fixture("changes-ids-strings.json");
  ASSERT_TRUE(n.has_value());
  ASSERT_EQ(n->changes.size(), 1u);
  EXPECT_EQ(n->changes[0].new_message_ids, (std::vector<std::string>{"1000000001", "9007199254740993"}));
}

TEST(Changes, WrongCountTypeGivesReasonAndNoChanges) {
  auto n = ingest_fixture("changes-bad-count.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->changes.empty());
  EXPECT_EQ(n->unnormalised_reason, "body.changes[0].newCount: expected an integer");
}
