// A documented field of the wrong JSON type: stored raw, unnormalised, with a reason naming it.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using rcvault::test::ingest_fixture;

namespace {
std::string reason_of(const std::string& fixture) {
  auto n = ingest_fixture(fixture);
  if (!n) return "error: " + n.error().message;
  if (n->msg) return "normalised";
  return n->unnormalised_reason.value_or("no reason");
}
}  // namespace

TEST(WrongTypes, NumberSubject) { EXPECT_EQ(reason_of("wrong-type-subject.json"), "body.subject: expected a string"); }
TEST(WrongTypes, ToObjectInsteadOfArray) { EXPECT_EQ(reason_of("wrong-type-to-object.json"), "body.to: expected an array"); }
TEST(WrongTypes, FromStringInsteadOfObject) {
  EXPECT_EQ(reason_of("wrong-type-from-string.json"), "body.from: expected an object");
}
TEST(WrongTypes, StringTargetNamesRecipientPosition) {
  EXPECT_EQ(reason_of("wrong-type-target.json"), "body.to[1].target: expected true or false");
}
TEST(WrongTypes, StringAttachmentSize) {
  EXPECT_EQ(reason_of("wrong-type-size.json"), "body.attachments[0].size: expected an integer");
}
TEST(WrongTypes, StringRecipientInsteadOfObject) {
  EXPECT_EQ(reason_of("wrong-type-to-element.json"), "body.to[0]: expected an object");
}
TEST(WrongTypes, FractionalCount) {
  EXPECT_EQ(reason_of("wrong-type-count-fraction.json"), "body.segmentCount: expected an integer");
}

TEST(WrongTypes, UnnormalisedEnvelopeStillCarriesEnvelopeFields) {
  auto n = ingest_fixture("wrong-type-subject.json");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->uuid, "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(n->kind, core::event_kind::instant_message);
  EXPECT_FALSE(n->raw.empty());
}
