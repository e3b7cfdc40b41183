// Ids are text, digit for digit, whatever JSON type they arrive as.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture;
using rcvault::test::normalised_fixture;

TEST(Ids, NumberMessageIdBecomesDigits) { EXPECT_EQ(normalised_fixture("id-json-number.json").id, "3062991514017"); }

TEST(Ids, IdsBeyondTwoToThe53KeepEveryDigit) {
  auto m = normalised_fixture("id-beyond-2-53.json");
  EXPECT_EQ(m.id, "9007199254740993");
  EXPECT_EQ(m.conversation_id, "8031152018338945839");
}

TEST(Ids, Uint64MaxKeepsEveryDigit) { EXPECT_EQ(normalised_fixture("id-uint64-max.json").id, "18446744073709551615"); }

TEST(Ids, FractionalIdMakesMessageUnnormalised) {
  auto n = ingest_fixture("id-fraction.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_EQ(n->unnormalised_reason, "body.id: id is not an integer or exceeds 64 bits");
}

TEST(Ids, IdBeyond64BitsMakesMessageUnnormalised) {
  auto n = ingest_fixture("id-beyond-64-bits.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_TRUE(n->unnormalised_reason->starts_with("body.id:"));
}

TEST(Ids, EmptyIdMakesMessageUnnormalised) {
  auto n = ingest_fixture("id-empty-string.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->unnormalised_reason, "body.id: empty id");
}

TEST(Ids, MissingIdMakesMessageUnnormalised) {
  auto n = ingest_fixture("id-missing.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->msg.has_value());
  EXPECT_EQ(n->unnormalised_reason, "body.id: missing");
}

TEST(Ids, NumberUuidBecomesDigits) {
  auto n = ingest_fixture("uuid-json-number.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->uuid, "6242343638330007102");
}

TEST(Ids, NumberAttachmentIdBecomesDigits) {
  auto m = normalised_fixture("attachment-id-number.json");
  ASSERT_EQ(m.attachments->size(), 1u);
  const auto& a = (*m.attachments)[0];
  EXPECT_EQ(a.id, "675981076016");
  EXPECT_EQ(a.height, 480);
  EXPECT_EQ(a.width, 640);
  EXPECT_EQ(a.file_name, "cat.jpg");
}

TEST(Ids, NumberOwnerExtensionIdWinsAsDigits) {
  auto m = normalised_fixture("owner-object.json");
  EXPECT_EQ(m.owner_id, "629893001");
  EXPECT_EQ(m.extra.at("owner").at("extensionId"), "629893001");
}

TEST(Ids, OwnerFromEventPathWhenBodyHasNone) {
  EXPECT_EQ(normalised_fixture("owner-from-path.json").owner_id, "555000111");
}

TEST(Ids, OwnerFromEnvelopeWhenPathSaysTilde) {
  EXPECT_EQ(normalised_fixture("owner-from-envelope.json").owner_id, "400132871015");
}

TEST(Ids, ConversationObjectIdWinsOverDamagedConversationId) {
  auto m = normalised_fixture("conversation-over-conversation-id.json");
  EXPECT_EQ(m.conversation_id, "8234962969801171948");
  EXPECT_FALSE(m.extra.contains("conversationId"));
}

TEST(Ids, ExtensionNumberSentAsNumberBecomesText) {
  auto m = normalised_fixture("party-extension-only.json");
  EXPECT_EQ((*m.to)[1].extension_number, "103");
}
