// Filter normalisation and comparison (docs/deploy.md, section 4a): `~` expanded, the account
// segment and query parameter order ignored, disabled filters counting.
#include "rcvault/subscription/filters.hpp"
#include "rcvault/subscription/info.hpp"
#include "rcvault/subscription/keeper.hpp"

#include <gtest/gtest.h>

using namespace rcvault::subscription;
using strings = std::vector<std::string>;

TEST(SubscriptionFilters, DefaultsAreTheFourFiltersOfEveryMailbox) {
  EXPECT_EQ(default_filters({}), (strings{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS",
                                          "/restapi/v1.0/account/~/extension/~/voicemail",
                                          "/restapi/v1.0/account/~/extension/~/fax?direction=Inbound",
                                          "/restapi/v1.0/account/~/extension/~/message-store"}));
  const auto two = default_filters({"101", "102"});
  ASSERT_EQ(two.size(), 8u);
  EXPECT_EQ(two[0], "/restapi/v1.0/account/~/extension/101/message-store/instant?type=SMS");
  EXPECT_EQ(two[7], "/restapi/v1.0/account/~/extension/102/message-store");
}

TEST(SubscriptionFilters, NormalisingExpandsTheOwnerAndOrdersParameters) {
  EXPECT_EQ(normalise_filter("/restapi/v1.0/account/~/extension/~/fax?direction=Inbound", "101"),
            "/restapi/v1.0/account/~/extension/101/fax?direction=Inbound");
  EXPECT_EQ(normalise_filter("/restapi/v1.0/account/37439510/extension/101/message-store/instant?type=SMS", "101"),
            "/restapi/v1.0/account/~/extension/101/message-store/instant?type=SMS");
  EXPECT_EQ(normalise_filter("/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true&sipData=true", "7"),
            normalise_filter("/restapi/v1.0/account/1/extension/7/presence?sipData=true&detailedTelephonyState=true", "7"));
  EXPECT_NE(normalise_filter("/restapi/v1.0/account/~/extension/~/voicemail", "101"),
            normalise_filter("/restapi/v1.0/account/~/extension/102/voicemail", "101"));
}

TEST(SubscriptionFilters, SameSetsWhateverTheOrderAndExpansion) {
  const auto wanted = default_filters({});
  strings echoed = {"/restapi/v1.0/account/9/extension/101/message-store",
                    "/restapi/v1.0/account/9/extension/101/fax?direction=Inbound",
                    "/restapi/v1.0/account/9/extension/101/voicemail",
                    "/restapi/v1.0/account/9/extension/101/message-store/instant?type=SMS"};
  EXPECT_TRUE(same_filters(wanted, echoed, "101"));
  EXPECT_FALSE(same_filters(wanted, echoed, "102"));
  echoed.pop_back();
  EXPECT_FALSE(same_filters(wanted, echoed, "101"));
}

TEST(SubscriptionFilters, DisabledFiltersCountAsPresent) {
  info i;
  i.event_filters = {"/restapi/v1.0/account/9/extension/101/message-store"};
  i.disabled_filters = {{"/restapi/v1.0/account/9/extension/102/message-store", "SUB-412", "missing permission"}};
  EXPECT_TRUE(same_filters({"/restapi/v1.0/account/~/extension/~/message-store",
                            "/restapi/v1.0/account/~/extension/102/message-store"},
                           i.all_filters(), "101"));
}

TEST(SubscriptionFilters, InfoParsesTheBlacklistedExample) {
  auto i = parse_info(R"({"id":"dd2f","status":"Blacklisted","expirationTime":"2016-04-06T11:16:23.177Z","expiresIn":604799,
    "eventFilters":["/restapi/v1.0/account/1/extension/2/message-store"],
    "disabledFilters":[{"filter":"/restapi/v1.0/account/1/extension/3/voicemail","reason":"SUB-412","message":"Extension permission [HUD] is missing"}],
    "deliveryMode":{"transportType":"WebHook","encryption":false,"address":"https://h.example.com/w"},
    "blacklistedData":{"blacklistedAt":"2016-04-06T11:00:00.000Z","reason":"I/O operation is failed. Details: [Read timed out]"}})");
  ASSERT_TRUE(i.has_value()) << i.error().message;
  EXPECT_EQ(i->address, "https://h.example.com/w");
  EXPECT_EQ(i->expires_at_ms, 1459941383177);
  EXPECT_EQ(i->expires_in, 604799);
  ASSERT_TRUE(i->blacklisted);
  EXPECT_EQ(i->blacklisted->reason, "I/O operation is failed. Details: [Read timed out]");
  EXPECT_EQ(i->all_filters().size(), 2u);
  EXPECT_FALSE(parse_info("{\"status\":\"Active\"}").has_value());
}

TEST(SubscriptionFilters, TokenHashIsHexSha256) {
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
