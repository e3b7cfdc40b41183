// The [subscription] keys (docs/configuration.md): defaults, every
// layer, and the errors a user meets.
#include "rcvault/config/load.hpp"
#include "load_result.hpp"
#include "temp_dir.hpp"
#include "write_file.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace rcvault::config;
using rcvault::test::temp_dir;
using rcvault::test::error_of;
using rcvault::test::load_ok;
using rcvault::test::write_file;
using strings = std::vector<std::string>;

TEST(ConfigSubscriptionKeys, DefaultsManageNothing) {
  const config c = load_ok({});
  EXPECT_FALSE(c.subscription.managed());
  EXPECT_TRUE(c.subscription.event_filters.empty());
  EXPECT_EQ(c.subscription.expires_in, std::chrono::seconds{2592000});
  EXPECT_EQ(c.subscription.check_interval, std::chrono::seconds{300});
}

TEST(ConfigSubscriptionKeys, FileSetsEveryKey) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml",
                               "[subscription]\n"
                               "address = \"https://hooks.example.com/rc/webhook?x=1\"\n"
                               "event_filters = [\"/restapi/v1.0/account/~/extension/~/message-store\", "
                               "\"/restapi/v1.0/account/~/extension/~/voicemail\"]\n"
                               "expires_in_seconds = 315360000\n"
                               "check_interval_seconds = 60\n");
  const config c = load_ok({.file = file});
  EXPECT_EQ(c.subscription.address, "https://hooks.example.com/rc/webhook?x=1");
  EXPECT_EQ(c.subscription.event_filters, (strings{"/restapi/v1.0/account/~/extension/~/message-store",
                                                   "/restapi/v1.0/account/~/extension/~/voicemail"}));
  EXPECT_EQ(c.subscription.expires_in, std::chrono::seconds{315360000});
  EXPECT_EQ(c.subscription.check_interval, std::chrono::seconds{60});
}

TEST(ConfigSubscriptionKeys, EnvironmentSplitsFilters) {
  const config c = load_ok({.env = {{"RCVAULT_SUBSCRIPTION_ADDRESS", "http://127.0.0.1:8080/webhook"},
                                    {"RCVAULT_SUBSCRIPTION_EVENT_FILTERS",
                                     "/restapi/v1.0/a, /restapi/v1.0/b,/restapi/v1.0/a"}}});
  EXPECT_EQ(c.subscription.address, "http://127.0.0.1:8080/webhook");
  EXPECT_EQ(c.subscription.event_filters, (strings{"/restapi/v1.0/a", "/restapi/v1.0/b"}));
}

TEST(ConfigSubscriptionKeys, HttpOnlyForLoopbackNamingTheKey) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[subscription]\naddress = \"http://hooks.example.com/webhook\"\n");
  EXPECT_EQ(error_of({.file = file}),
            "config " + file.string() +
                ": subscription.address: http:// is allowed only for a loopback host (127.0.0.1, [::1], localhost); "
                "RingCentral needs https://, got 'http://hooks.example.com/webhook' (line 2)");
  for (const std::string ok : {"http://127.0.0.1:1/webhook", "http://[::1]:8080/w", "http://localhost/webhook",
                               "https://hooks.example.com", "https://[2001:db8::1]:8443/w"})
    EXPECT_EQ(load_ok({.env = {{"RCVAULT_SUBSCRIPTION_ADDRESS", ok}}}).subscription.address, ok);
}

TEST(ConfigSubscriptionKeys, BadAddressesAreNamed) {
  for (const std::string bad : {"hooks.example.com/webhook", "ftp://x/w", "https://", "https:///w", "https://x:0/w",
                                "https://x:99999/w", "https://u@x/w", "https://[::1/w", "https://x/w#f",
                                "https://x/a b"}) {
    const std::string error = error_of({.env = {{"RCVAULT_SUBSCRIPTION_ADDRESS", bad}}});
    EXPECT_TRUE(error.starts_with("environment RCVAULT_SUBSCRIPTION_ADDRESS: ")) << bad << ": " << error;
  }
}

TEST(ConfigSubscriptionKeys, RangesAndFiltersAreChecked) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_SUBSCRIPTION_EXPIRES_IN_SECONDS", "315360001"}}}),
            "environment RCVAULT_SUBSCRIPTION_EXPIRES_IN_SECONDS: must be between 1 and 315360000, got 315360001");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_SUBSCRIPTION_EXPIRES_IN_SECONDS", "0"}}}),
            "environment RCVAULT_SUBSCRIPTION_EXPIRES_IN_SECONDS: must be between 1 and 315360000, got 0");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_SUBSCRIPTION_CHECK_INTERVAL_SECONDS", "0"}}}),
            "environment RCVAULT_SUBSCRIPTION_CHECK_INTERVAL_SECONDS: must be between 1 and 2147483647, got 0");
  const std::string error = error_of({.env = {{"RCVAULT_SUBSCRIPTION_EVENT_FILTERS", "/account/~/extension/~/presence"}}});
  EXPECT_TRUE(error.starts_with("environment RCVAULT_SUBSCRIPTION_EVENT_FILTERS: expected event filters")) << error;
}

}  // namespace
