// Event kinds from the filter path and the body's shape (docs/ingest.md, "Kinds and outcomes").
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using core::event_kind;
using ingest::classify;

TEST(Classify, InstantWithTildeAndQuery) {
  EXPECT_EQ(classify("/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS", false),
            event_kind::instant_message);
}
TEST(Classify, InstantWithMaskedIds) {
  EXPECT_EQ(classify("/restapi/v1.0/account/80964XXXX/extension/629893XXXX/message-store/instant", false),
            event_kind::instant_message);
}
TEST(Classify, VoicemailWithNumericIds) {
  EXPECT_EQ(classify("/restapi/v1.0/account/37439510/extension/2253168021/voicemail", false), event_kind::voicemail);
}
TEST(Classify, FaxWithDirectionQuery) {
  EXPECT_EQ(classify("/restapi/v1.0/account/~/extension/823476228762/fax?direction=Inbound", false), event_kind::fax);
}
TEST(Classify, MessageStoreWithChangesList) {
  EXPECT_EQ(classify("/restapi/v1.0/account/~/extension/~/message-store?type=SMS&direction=Outbound", true),
            event_kind::message_store_changes);
}
TEST(Classify, MessageStoreWithoutChangesListIsOther) {
  EXPECT_EQ(classify("/restapi/v1.0/account/~/extension/~/message-store", false), event_kind::other);
}
TEST(Classify, SubscriptionReminder) {
  EXPECT_EQ(classify("/restapi/v1.0/subscription/~?threshold=86400&interval=3600", false),
            event_kind::subscription_reminder);
}
TEST(Classify, A2pIsOther) {
  EXPECT_EQ(classify("/restapi/v1.0/account/405156321033/a2p-sms/messages?direction=Inbound&to=+12406680432", false),
            event_kind::other);
}
TEST(Classify, SmsApiV2IsOther) {
  EXPECT_EQ(classify("/restapi/v2/accounts/~/extensions/~/sms/messages?direction=Outbound", false), event_kind::other);
}
TEST(Classify, PresenceIsOther) {
  EXPECT_EQ(classify("/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true", false),
            event_kind::other);
}
TEST(Classify, EmptyPathIsOther) { EXPECT_EQ(classify("", true), event_kind::other); }
TEST(Classify, InstantWithTrailingSegmentIsOther) {
  EXPECT_EQ(classify("/restapi/v1.0/account/~/extension/~/message-store/instant/extra", false), event_kind::other);
}
TEST(Classify, FullUrlIsMatchedOnItsPath) {
  EXPECT_EQ(classify("https://platform.ringcentral.com/restapi/v1.0/account/~/extension/~/voicemail", false),
            event_kind::voicemail);
}

TEST(Classify, EnvelopeWithoutEventIsOtherAndNotNormalised) {
  auto n = rcvault::test::ingest_fixture("event-missing.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->event, "");
  EXPECT_EQ(n->kind, event_kind::other);
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_FALSE(n->unnormalised_reason.has_value());
}
TEST(Classify, SubscriptionReminderEnvelopeStoredRawOnly) {
  auto n = rcvault::test::ingest_fixture("event-subscription-reminder.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, event_kind::subscription_reminder);
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_FALSE(n->unnormalised_reason.has_value());
}
TEST(Classify, V2EnvelopeIsOther) {
  auto n = rcvault::test::ingest_fixture("event-v2-sms.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, event_kind::other);
  EXPECT_FALSE(n->msg.has_value());
}
TEST(Classify, MessageStoreEnvelopeWithoutChangesIsOther) {
  auto n = rcvault::test::ingest_fixture("event-message-store-without-changes.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, event_kind::other);
}
TEST(Classify, MaskedPathEnvelopeIsInstant) {
  auto n = rcvault::test::ingest_fixture("event-full-ids-query.json");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->kind, event_kind::instant_message);
  EXPECT_EQ(n->msg->owner_id, "629893XXXX");
}
