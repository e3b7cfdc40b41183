// Every shared RingCentral example payload through the parser.
#include "ingest_fixture.hpp"
#include "rcvault/core/time.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::read_file;
using rcvault::test::shared_envelope;
using rcvault::test::shared_payload_path;

TEST(SharedPayloads, InstantSms2025Normalises) {
  auto n = shared_envelope("01-instant-sms-2025-docs.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->uuid, "6242343638330007102");
  EXPECT_EQ(n->kind, core::event_kind::instant_message);
  EXPECT_EQ(n->subscription_id, "7e4a7486-8df9-4195-8aef-b8d81d3345f6");
  EXPECT_EQ(n->owner_id, "629893XXXX");
  EXPECT_EQ(n->timestamp, core::parse_iso8601("2025-07-30T18:12:45.034Z"));
  ASSERT_TRUE(n->msg.has_value());
  const auto& m = *n->msg;
  EXPECT_EQ(m.id, "3062991514017");
  EXPECT_EQ(m.owner_id, "629893XXXX");
  EXPECT_EQ(m.type, "SMS");
  EXPECT_EQ(m.direction, "Inbound");
  EXPECT_EQ(m.subject, "Hi advisor, I'd like to ...");
  EXPECT_EQ(m.read_status, "Unread");
  EXPECT_EQ(m.message_status, "Received");
  EXPECT_EQ(m.priority, "Normal");
  EXPECT_EQ(m.availability, "Alive");
  EXPECT_EQ(m.conversation_id, "1638233798595111162");
  EXPECT_EQ(core::format_iso8601(*m.creation_time), "2025-07-30T18:12:45.028Z");
  EXPECT_EQ(core::format_iso8601(*m.last_modified_time), "2025-07-30T18:12:45.028Z");
  ASSERT_TRUE(m.from.has_value());
  EXPECT_EQ(m.from->phone_number, "+1650224XXXX");
  EXPECT_EQ(m.from->location, "Mountain View, CA");
  EXPECT_EQ(m.from->extra.at("phoneNumberInfo").at("subscriberNumber"), "224XXXX");
  ASSERT_EQ(m.to->size(), 1u);
  EXPECT_EQ((*m.to)[0].name, "VP Dan");
  EXPECT_EQ((*m.to)[0].target, true);
  ASSERT_EQ(m.attachments->size(), 1u);
  EXPECT_EQ((*m.attachments)[0].type, "Text");
  EXPECT_FALSE((*m.attachments)[0].uri.has_value());
  EXPECT_EQ(m.extra.at("eventType"), "Create");
  EXPECT_EQ(m.extra.at("owner").at("extensionType"), "User");
  EXPECT_EQ(m.extra.at("conversation").at("id"), "1638233798595111162");
}

TEST(SharedPayloads, InstantMmsKeepsMediaAttachment) {
  auto n = shared_envelope("02-instant-mms-2025-docs.json");
  ASSERT_TRUE(n && n->msg);
  ASSERT_EQ(n->msg->attachments->size(), 2u);
  const auto& a = (*n->msg->attachments)[1];
  EXPECT_EQ(a.id, "675981076016");
  EXPECT_EQ(a.type, "MmsAttachment");
  EXPECT_EQ(a.content_type, "image/jpeg");
  EXPECT_EQ(a.size, 461020);
  EXPECT_TRUE(a.uri->starts_with("https://media.ringcentral.com/"));
}

TEST(SharedPayloads, LegacyInstantUsesDeprecatedConversationIdAndPathOwner) {
  auto n = shared_envelope("03-instant-sms-legacy-sample.json");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->kind, core::event_kind::instant_message);
  EXPECT_EQ(n->msg->conversation_id, "7876416245344257449");
  EXPECT_EQ(n->msg->owner_id, "823476228762");
  EXPECT_EQ((*n->msg->attachments)[0].size, 4096);
  EXPECT_EQ(n->msg->from->name, "John Smith");
}

TEST(SharedPayloads, MinimalBodyNormalisesToIdAndPathOwner) {
  auto n = shared_envelope("04-instant-sms-minimal-body.json");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->msg->id, "872888015");
  // The event path names the mailbox; the envelope ownerId is the subscriber.
  EXPECT_EQ(n->msg->owner_id, "100132871000");
  EXPECT_EQ(n->owner_id, "400132871015");
  EXPECT_FALSE(n->msg->to.has_value());
  EXPECT_FALSE(n->msg->from.has_value());
  EXPECT_FALSE(n->msg->attachments.has_value());
  EXPECT_TRUE(n->msg->extra.empty());
}

TEST(SharedPayloads, MessageStorePagerNewIdsParsed) {
  auto n = shared_envelope("05-message-store-pager-new-ids.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, core::event_kind::message_store_changes);
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_FALSE(n->unnormalised_reason.has_value());
  ASSERT_EQ(n->changes.size(), 1u);
  EXPECT_EQ(n->changes[0].type, "Pager");
  EXPECT_EQ(n->changes[0].new_count, 2);
  EXPECT_EQ(n->changes[0].updated_count, 0);
  EXPECT_EQ(n->changes[0].new_message_ids, (std::vector<std::string>{"12756735005", "12756737005"}));
}

TEST(SharedPayloads, LegacyMessageStoreWithOffsetWithoutColon) {
  auto n = shared_envelope("06-message-store-pager-sms-legacy.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, core::event_kind::message_store_changes);
  EXPECT_EQ(core::format_iso8601(*n->timestamp), "2014-04-29T14:29:27.408Z");
  ASSERT_EQ(n->changes.size(), 2u);
  EXPECT_EQ(n->changes[0].updated_count, 1);
  EXPECT_EQ(n->changes[1].type, "SMS");
  EXPECT_EQ(n->changes[1].new_count, 1);
}

TEST(SharedPayloads, MessageStoreFaxWithoutOwnerId) {
  auto n = shared_envelope("07-message-store-fax-new.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, core::event_kind::message_store_changes);
  EXPECT_FALSE(n->owner_id.has_value());
  ASSERT_EQ(n->changes.size(), 1u);
  EXPECT_EQ(n->changes[0].type, "Fax");
}

TEST(SharedPayloads, InboundFaxWithoutTo) {
  auto n = shared_envelope("08-fax-inbound.json");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->kind, core::event_kind::fax);
  EXPECT_EQ(n->msg->type, "Fax");
  EXPECT_EQ(n->msg->fax_page_count, 2);
  EXPECT_EQ(n->msg->fax_resolution, "High");
  EXPECT_EQ(n->msg->subject, "+17015402626");
  EXPECT_FALSE(n->msg->to.has_value());
  EXPECT_EQ((*n->msg->attachments)[0].type, "RenderedDocument");
  EXPECT_EQ(core::format_iso8601(*n->msg->last_modified_time), "2018-02-28T05:11:37.673Z");
}

TEST(SharedPayloads, VoicemailWithNameOnlyRecipient) {
  auto n = shared_envelope("09-voicemail.json");
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->kind, core::event_kind::voicemail);
  EXPECT_EQ(n->msg->type, "VoiceMail");
  EXPECT_EQ(n->msg->vm_transcription_status, "Completed");
  ASSERT_EQ(n->msg->to->size(), 1u);
  EXPECT_EQ((*n->msg->to)[0].name, "John Doe");
  EXPECT_FALSE((*n->msg->to)[0].phone_number.has_value());
  EXPECT_EQ((*n->msg->attachments)[0].vm_duration, 3);
}

TEST(SharedPayloads, A2pInboundIsOtherAndNotAnError) {
  auto n = shared_envelope("17-a2p-inbound.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, core::event_kind::other);
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_FALSE(n->unnormalised_reason.has_value());
  EXPECT_EQ(n->uuid, "5496200236759723935");
}

TEST(SharedPayloads, RawBytesKeptExactly) {
  std::string raw = read_file(shared_payload_path("03-instant-sms-legacy-sample.json"));
  auto n = ingest::parse_envelope(raw);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->raw, raw);
}

TEST(SharedPayloads, RecordsAreNotEnvelopes) {
  auto n = shared_envelope("24-api-voicemail-record.json");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, core::errc::invalid_envelope);
}

TEST(SharedPayloads, VoicemailRecordParsesAsApiRecord) {
  auto n = ingest::parse_record(read_file(shared_payload_path("24-api-voicemail-record.json")));
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->kind, core::event_kind::api_record);
  EXPECT_EQ(n->uuid, "api:402406985008:2018-09-18T09:24:03.531Z");
  EXPECT_EQ(n->msg->id, "402406985008");
  EXPECT_EQ(n->msg->vm_transcription_status, "NotAvailable");
  EXPECT_EQ((*n->msg->attachments)[0].id, "402406985008");
  EXPECT_EQ((*n->msg->attachments)[0].vm_duration, 25);
  EXPECT_EQ(n->msg->owner_id, "4xxx8");
}

TEST(SharedPayloads, OutboundDeliveredRecordKeepsDeliveryTime) {
  auto n = ingest::parse_record(read_file(shared_payload_path("25-api-outbound-sms-delivered-record.json")));
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->msg->direction, "Outbound");
  EXPECT_EQ(n->msg->message_status, "Delivered");
  EXPECT_EQ(core::format_iso8601(*n->msg->sms_delivery_time), "2012-10-18T10:40:42.000Z");
  EXPECT_EQ(n->msg->conversation_id, "4178398077955743750");
  EXPECT_EQ((*n->msg->to)[0].phone_number, "18555553732");
  EXPECT_EQ(n->msg->owner_id, "1346632010");
}

TEST(SharedPayloads, PagerRecordWithExtensionOnlyParties) {
  auto n = ingest::parse_record(read_file(shared_payload_path("26-api-pager-outbound-record.json")));
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->msg->type, "Pager");
  EXPECT_EQ(n->msg->pg_to_department, false);
  EXPECT_EQ(n->msg->from->extension_number, "101");
  ASSERT_EQ(n->msg->to->size(), 3u);
  EXPECT_EQ((*n->msg->to)[2].extension_number, "103");
  EXPECT_FALSE((*n->msg->to)[2].phone_number.has_value());
}

TEST(SharedPayloads, QueuedRecordPrefersExactConversationId) {
  auto n = ingest::parse_record(read_file(shared_payload_path("27-api-sms-queued-record.json")));
  ASSERT_TRUE(n && n->msg);
  EXPECT_EQ(n->msg->message_status, "Queued");
  EXPECT_EQ(n->msg->conversation_id, "8234962969801171948");
  EXPECT_EQ(n->msg->owner_id, "306061004");
}

TEST(SharedPayloads, SmsListResponseImportsItsRecord) {
  std::vector<core::result<core::notification>> items;
  ingest::for_each_import_item(read_file(shared_payload_path("23-api-sms-list-response.json")),
                               [&](core::result<core::notification> r, std::size_t line) {
                                 EXPECT_EQ(line, 3u);
                                 items.push_back(std::move(r));
                               });
  ASSERT_EQ(items.size(), 1u);
  ASSERT_TRUE(items[0] && items[0]->msg);
  EXPECT_EQ(items[0]->msg->id, "6424569004");
  EXPECT_EQ(items[0]->msg->conversation_id, "8031152018338945839");
  EXPECT_EQ(items[0]->uuid, "api:6424569004:2019-05-22T17:07:28.091Z");
  EXPECT_TRUE(items[0]->raw.starts_with("{\n    \"uri\""));
  EXPECT_TRUE(items[0]->raw.ends_with("}"));
}

TEST(SharedPayloads, SubscriptionListIsRejectedAsNotMessageRecords) {
  std::vector<core::result<core::notification>> items;
  ingest::for_each_import_item(read_file(shared_payload_path("29-api-subscription-blacklisted.json")),
                               [&](core::result<core::notification> r, std::size_t) { items.push_back(std::move(r)); });
  ASSERT_EQ(items.size(), 1u);
  ASSERT_FALSE(items[0].has_value());
  EXPECT_EQ(items[0].error().code, core::errc::invalid_record);
}
