// fold_versions: a message's versions in any arrival order give the state
// in-order arrival gives (no database involved).
#include "rcvault/core/version_fold.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace rcvault::core;

namespace {
message_version version(millis modified, std::string uuid) {
  message_version v;
  v.key = version_key{modified, modified, std::move(uuid)};
  v.msg.id = "42";
  v.msg.last_modified_time = modified;
  return v;
}

// Created with a subject and two recipients, then read, then delivered with a
// status of its own and an undocumented field.
std::vector<message_version> three_versions() {
  auto created = version(1'000, "a");
  created.msg.creation_time = 1'000;
  created.msg.type = "SMS";
  created.msg.subject = "hello";
  created.msg.message_status = "Queued";
  created.msg.read_status = "Unread";
  party to;
  to.phone_number = "+16505550100";
  created.msg.to = std::vector<party>{to};
  auto read = version(2'000, "b");
  read.msg.read_status = "Read";
  auto delivered = version(3'000, "c");
  delivered.msg.message_status = "Delivered";
  delivered.msg.extra["private"] = true;
  return {created, read, delivered};
}
}  // namespace

TEST(FoldVersions, EveryArrivalOrderGivesTheInOrderState) {
  auto versions = three_versions();
  message expected = versions[0].msg;
  merge_newer(expected, versions[1].msg);
  merge_newer(expected, versions[2].msg);
  std::vector<int> order{0, 1, 2};
  do {
    std::vector<message_version> arrived;
    for (int i : order) arrived.push_back(versions[static_cast<std::size_t>(i)]);
    auto folded = fold_versions(arrived);
    ASSERT_TRUE(folded);
    EXPECT_EQ(folded->msg, expected) << order[0] << order[1] << order[2];
    EXPECT_EQ(folded->newest.uuid, "c");
    EXPECT_EQ(folded->msg.message_status, "Delivered");
    EXPECT_EQ(folded->msg.read_status, "Read");
    EXPECT_EQ(folded->msg.subject, "hello");
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(FoldVersions, OlderVersionNeverOverridesNewerField) {
  auto versions = three_versions();
  // The oldest version arrives last: its Queued must not replace Delivered.
  auto folded = fold_versions({versions[2], versions[1], versions[0]});
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->msg.message_status, "Delivered");
  EXPECT_EQ(folded->msg.last_modified_time, 3'000);
}

TEST(FoldVersions, TiesOnTimeAreOrderedBySentThenUuid) {
  auto first = version(5'000, "a");
  first.msg.message_status = "Sent";
  auto second = version(5'000, "b");
  second.msg.message_status = "Delivered";
  auto folded = fold_versions({second, first});
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->msg.message_status, "Delivered");
  EXPECT_EQ(folded->newest.uuid, "b");
}

TEST(FoldVersions, SortBaseIsCreationTimeElseTheOldestVersionsTime) {
  auto versions = three_versions();
  EXPECT_EQ(fold_versions(versions)->sort_base, 1'000);
  auto folded = fold_versions({versions[2], versions[1]});
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->sort_base, 2'000);  // the oldest of those that arrived
}

TEST(FoldVersions, NoVersionsIsNothing) { EXPECT_FALSE(fold_versions({})); }
