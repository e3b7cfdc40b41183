// merge_newer and version_of: the order and fold of message versions.
#include "rcvault/core/message.hpp"
#include "rcvault/core/notification.hpp"

#include <gtest/gtest.h>

using namespace rcvault::core;

namespace {
party phone(std::string number, std::optional<std::string> status = std::nullopt) {
  party p;
  p.phone_number = std::move(number);
  p.message_status = std::move(status);
  return p;
}
message full() {
  message m;
  m.id = "1";
  m.type = "SMS";
  m.subject = "hello";
  m.message_status = "Queued";
  m.read_status = "Unread";
  m.from = phone("+14155550123");
  m.to = std::vector<party>{phone("+16505550100"), phone("+16505550101")};
  attachment text;
  text.id = "1";
  text.type = "Text";
  m.attachments = std::vector<attachment>{text};
  m.extra["eventType"] = "Create";
  m.extra["owner"] = boost::json::object{{"extensionId", "7"}};
  return m;
}
notification with(std::optional<millis> lmt, std::optional<millis> created, std::optional<millis> sent,
                  std::string uuid = "u") {
  notification n;
  n.uuid = std::move(uuid);
  n.timestamp = sent;
  n.msg = message{};
  n.msg->last_modified_time = lmt;
  n.msg->creation_time = created;
  return n;
}
}  // namespace

TEST(MergeNewer, ThinBodyKeepsEverything) {
  message base = full();
  message thin;
  thin.id = "1";
  merge_newer(base, thin);
  EXPECT_EQ(base, full());
}

TEST(MergeNewer, CarriedFieldsWin) {
  message base = full();
  message newer;
  newer.id = "1";
  newer.message_status = "Delivered";
  newer.read_status = "Read";
  merge_newer(base, newer);
  EXPECT_EQ(base.message_status, "Delivered");
  EXPECT_EQ(base.read_status, "Read");
  EXPECT_EQ(base.subject, "hello");
}

TEST(MergeNewer, CarriedToReplacesWholeList) {
  message base = full();
  message newer;
  newer.to = std::vector<party>{phone("+19995550000", "Sent")};
  merge_newer(base, newer);
  ASSERT_EQ(base.to->size(), 1u);
  EXPECT_EQ((*base.to)[0].phone_number, "+19995550000");
  EXPECT_EQ(base.from, full().from);
}

TEST(MergeNewer, CarriedEmptyAttachmentsReplaceList) {
  message base = full();
  message newer;
  newer.attachments.emplace();
  merge_newer(base, newer);
  ASSERT_TRUE(base.attachments.has_value());
  EXPECT_TRUE(base.attachments->empty());
}

TEST(MergeNewer, ExtraMergedKeyByKey) {
  message base = full();
  message newer;
  newer.extra["eventType"] = "Update";
  newer.extra["brandNew"] = 1;
  merge_newer(base, newer);
  EXPECT_EQ(base.extra.at("eventType"), "Update");
  EXPECT_EQ(base.extra.at("brandNew"), 1);
  EXPECT_EQ(base.extra.at("owner").at("extensionId"), "7");
}

TEST(MergeNewer, EmptyIdKeepsBaseId) {
  message base = full();
  merge_newer(base, message{});
  EXPECT_EQ(base.id, "1");
}

TEST(VersionOf, LastModifiedTimeFirst) { EXPECT_EQ(version_of(with(30, 20, 10)).time, 30); }
TEST(VersionOf, CreationTimeWithoutLastModified) { EXPECT_EQ(version_of(with(std::nullopt, 20, 10)).time, 20); }
TEST(VersionOf, EnvelopeTimestampWithoutBodyTimes) {
  EXPECT_EQ(version_of(with(std::nullopt, std::nullopt, 10)).time, 10);
}
TEST(VersionOf, NothingAtAllIsZero) {
  auto v = version_of(with(std::nullopt, std::nullopt, std::nullopt, "x"));
  EXPECT_EQ(v.time, 0);
  EXPECT_EQ(v.sent, 0);
  EXPECT_EQ(v.uuid, "x");
}
TEST(VersionOf, TieBrokenByEnvelopeTimestamp) {
  EXPECT_LT(version_of(with(30, std::nullopt, 10, "b")), version_of(with(30, std::nullopt, 11, "a")));
}
TEST(VersionOf, TieBrokenByUuidLast) {
  EXPECT_LT(version_of(with(30, std::nullopt, 10, "a")), version_of(with(30, std::nullopt, 10, "b")));
}
TEST(VersionOf, LaterModificationWinsOverLaterSending) {
  EXPECT_LT(version_of(with(29, std::nullopt, 99, "z")), version_of(with(30, std::nullopt, 1, "a")));
}
