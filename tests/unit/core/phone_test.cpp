// Digit keys of phone numbers and the keys a query matches.
#include "rcvault/core/phone.hpp"

#include <gtest/gtest.h>

using rcvault::core::phone_digits;
using rcvault::core::phone_query_keys;
using keys = std::vector<std::string>;

TEST(Phone, E164KeepsDigits) { EXPECT_EQ(phone_digits("+16505550100"), "16505550100"); }
TEST(Phone, FormattedNumberKeepsDigits) { EXPECT_EQ(phone_digits("(866)123-4567"), "8661234567"); }
TEST(Phone, SpacesAndDotsDropped) { EXPECT_EQ(phone_digits("+1 650.555 0100"), "16505550100"); }
TEST(Phone, MaskedDigitsDropped) { EXPECT_EQ(phone_digits("+1650224XXXX"), "1650224"); }
TEST(Phone, NoDigitsIsEmpty) { EXPECT_EQ(phone_digits("Demo queue"), ""); }
TEST(Phone, NonAsciiDigitsIgnored) { EXPECT_EQ(phone_digits("\xD9\xA1" "23"), "23"); }

TEST(Phone, TenDigitQueryAlsoMatchesCountryCodeOne) {
  EXPECT_EQ(phone_query_keys("(650) 555-0100"), (keys{"6505550100", "16505550100"}));
}
TEST(Phone, ElevenDigitQueryWithOneAlsoMatchesTenDigits) {
  EXPECT_EQ(phone_query_keys("+16505550100"), (keys{"16505550100", "6505550100"}));
}
TEST(Phone, ElevenDigitQueryWithOtherCountryCodeIsExact) {
  EXPECT_EQ(phone_query_keys("+44 20 7946 0958"), (keys{"442079460958"}));
}
TEST(Phone, ShortExtensionQueryIsExact) { EXPECT_EQ(phone_query_keys("101"), (keys{"101"})); }
TEST(Phone, QueryWithoutDigitsHasNoKeys) { EXPECT_TRUE(phone_query_keys("abc").empty()); }
