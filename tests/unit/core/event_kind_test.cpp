// Names of event kinds, outcomes and error codes round-trip.
#include "rcvault/core/error.hpp"
#include "rcvault/core/event_kind.hpp"

#include <gtest/gtest.h>

using namespace rcvault::core;

TEST(EventKind, EveryKindRoundTrips) {
  for (auto k : {event_kind::instant_message, event_kind::voicemail, event_kind::fax, event_kind::message_store_changes,
                 event_kind::subscription_reminder, event_kind::other, event_kind::api_record})
    EXPECT_EQ(event_kind_from_string(to_string(k)), k);
}
TEST(EventKind, UnknownNameIsNullopt) { EXPECT_EQ(event_kind_from_string("Instant_Message"), std::nullopt); }
TEST(EventKind, EveryOutcomeRoundTrips) {
  for (auto o : {outcome::applied, outcome::stale, outcome::unnormalised}) EXPECT_EQ(outcome_from_string(to_string(o)), o);
}
TEST(ErrorCode, NamesAreSnakeCase) {
  EXPECT_EQ(code_name(errc::invalid_json), "invalid_json");
  EXPECT_EQ(code_name(errc::bad_verification_token), "bad_verification_token");
}
TEST(ErrorCode, ValueOfErrorResultThrowsWithMessage) {
  result<int> r = make_error(errc::not_found, "no such message");
  try {
    (void)r.value();
    FAIL() << "value() did not throw";
  } catch (const error_exception& e) {
    EXPECT_EQ(e.err.code, errc::not_found);
    EXPECT_STREQ(e.what(), "no such message");
  }
}
