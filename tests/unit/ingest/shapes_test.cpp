// Nulls, empty and missing lists, thin parties, text, unknown fields.
#include "ingest_fixture.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture;
using rcvault::test::normalised_fixture;

TEST(Shapes, NullIsAbsentEverywhere) {
  auto m = normalised_fixture("nulls-everywhere.json");
  EXPECT_FALSE(m.subject.has_value());
  EXPECT_FALSE(m.to.has_value());
  EXPECT_FALSE(m.conversation_id.has_value());
  EXPECT_FALSE(m.priority.has_value());
  EXPECT_FALSE(m.attachments.has_value());
  EXPECT_FALSE(m.from->name.has_value());
  EXPECT_FALSE(m.from->location.has_value());
  EXPECT_FALSE(m.extra.contains("owner"));
  EXPECT_FALSE(m.extra.contains("eventType"));
}

TEST(Shapes, EmptyArraysAreCarriedEmpty) {
  auto m = normalised_fixture("empty-arrays.json");
  ASSERT_TRUE(m.to.has_value());
  EXPECT_TRUE(m.to->empty());
  ASSERT_TRUE(m.attachments.has_value());
  EXPECT_TRUE(m.attachments->empty());
}

TEST(Shapes, MissingToIsNotCarried) {
  auto m = normalised_fixture("missing-to.json");
  EXPECT_FALSE(m.to.has_value());
  EXPECT_TRUE(m.from.has_value());
}

TEST(Shapes, NameOnlyPartyKeepsTrailingSpace) {
  auto m = normalised_fixture("party-name-only.json");
  ASSERT_EQ(m.to->size(), 1u);
  EXPECT_EQ((*m.to)[0].name, "Demo queue ");
  EXPECT_FALSE((*m.to)[0].phone_number.has_value());
  EXPECT_FALSE((*m.to)[0].extension_number.has_value());
}

TEST(Shapes, ExtensionOnlyParties) {
  auto m = normalised_fixture("party-extension-only.json");
  EXPECT_EQ(m.type, "Pager");
  EXPECT_EQ(m.from->extension_number, "101");
  EXPECT_FALSE(m.from->phone_number.has_value());
  EXPECT_EQ((*m.to)[0].extension_number, "102");
}

TEST(Shapes, UnknownPartyFieldsKeptWithIdsAsText) {
  auto m = normalised_fixture("party-unknown-fields.json");
  EXPECT_EQ(m.from->extra.at("phoneNumberInfo").at("nationalDestinationCode"), "415");
  EXPECT_EQ(m.from->extra.at("contactId"), "55512");
}

TEST(Shapes, GroupMmsKeepsEveryRecipientInOrderWithTarget) {
  auto m = normalised_fixture("group-mms.json");
  ASSERT_EQ(m.to->size(), 3u);
  EXPECT_EQ((*m.to)[0].target, true);
  EXPECT_EQ((*m.to)[1].target, false);
  EXPECT_EQ((*m.to)[1].name, "Ana Silva");
  EXPECT_FALSE((*m.to)[2].target.has_value());
  EXPECT_EQ((*m.to)[2].phone_number, "+16505550102");
  EXPECT_EQ((*m.attachments)[1].size, 1200);
}

TEST(Shapes, VoicemailTranscriptionAttachmentKept) {
  auto m = normalised_fixture("voicemail-transcription.json");
  EXPECT_EQ(m.type, "VoiceMail");
  EXPECT_EQ(m.vm_transcription_status, "Completed");
  ASSERT_EQ(m.attachments->size(), 2u);
  EXPECT_EQ((*m.attachments)[0].vm_duration, 31);
  EXPECT_EQ((*m.attachments)[1].type, "AudioTranscription");
  EXPECT_EQ((*m.attachments)[1].id, "82063400005");
}

TEST(Shapes, LowercaseVoicemailTypeIsVoiceMail) {
  EXPECT_EQ(normalised_fixture("type-voicemail-lowercase-m.json").type, "VoiceMail");
}

TEST(Shapes, EmojiTextKeptAsUtf8) {
  EXPECT_EQ(normalised_fixture("text-emoji.json").subject,
            "Running late \U0001F3C3\u200D\u2640\uFE0F see you at 3 \U0001F642 \u2014 ok? \u65E5\u672C\u8A9E");
}

TEST(Shapes, EscapedSurrogatePairDecodesToOneCodePoint) {
  EXPECT_EQ(normalised_fixture("text-escaped-surrogates.json").subject, "smile \U0001F600 and \u00E9\n");
}

TEST(Shapes, LoneSurrogateEscapeIsInvalidJson) {
  auto n = ingest_fixture("text-lone-surrogate.json");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code, core::errc::invalid_json);
}

TEST(Shapes, ThousandCharacterTextKeptWhole) {
  auto m = normalised_fixture("text-1000-chars.json");
  ASSERT_EQ(m.subject->size(), 1000u);
  EXPECT_TRUE(m.subject->ends_with("abcdefghij"));
}

TEST(Shapes, UnknownNestedFieldsKeptInExtraWithIdsAsText) {
  auto m = normalised_fixture("unknown-nested-fields.json");
  const auto& custom = m.extra.at("custom").at("deep");
  EXPECT_EQ(custom.at("parentId"), "77");
  EXPECT_EQ(custom.at("list").at(0), 1);
  EXPECT_EQ(custom.at("list").at(1).at("y"), 2);
  EXPECT_EQ(m.extra.at("threadIds"), boost::json::parse(R"(["1","2","3"])"));
  EXPECT_EQ(m.extra.at("eventType"), "Create");
}

TEST(Shapes, OutboundFaxRecordKeepsPerRecipientStatus) {
  auto n = ingest::parse_record(rcvault::test::ingest_fixture_text("fax-outbound-record.json"));
  ASSERT_TRUE(n && n->msg);
  const auto& m = *n->msg;
  EXPECT_EQ(m.fax_page_count, 3);
  EXPECT_EQ(m.fax_resolution, "Low");
  EXPECT_EQ((*m.to)[0].message_status, "Sent");
  EXPECT_EQ((*m.to)[1].message_status, "SendingFailed");
  EXPECT_EQ((*m.to)[1].fax_error_code, "LineBusy");
  EXPECT_EQ((*m.to)[1].recipient_id, "9001");
  EXPECT_EQ(m.extra.at("coverIndex"), 0);
  EXPECT_EQ(m.owner_id, "2");
}
