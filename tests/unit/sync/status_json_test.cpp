// GET /v1/sync's body.
#include "rcvault/sync/status.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

using namespace rcvault;

TEST(SyncStatusJson, FullShape) {
  sync::sync_status s;
  s.token.state = ringcentral::token_status::state::ok;
  s.token.expires_at_ms = 1'700'000'000'000;
  sync::mailbox_status m;
  m.extension_id = "400371259008";
  m.state = store::mailbox_state::forbidden;
  m.last_sync = 1'700'000'000'123;
  m.records = 42;
  m.error = store::sync_error{"CMN-419", "needs ReadMessages"};
  s.extensions.push_back(m);
  auto v = boost::json::parse(sync::to_json(s));
  EXPECT_EQ(v.at("token").at("state"), "ok");
  EXPECT_EQ(v.at("token").at("expiresAt"), "2023-11-14T22:13:20.000Z");
  EXPECT_FALSE(v.at("token").as_object().contains("error"));
  const auto& e = v.at("extensions").at(0);
  EXPECT_EQ(e.at("extensionId"), "400371259008");
  EXPECT_EQ(e.at("state"), "forbidden");
  EXPECT_EQ(e.at("lastSyncTime"), "2023-11-14T22:13:20.123Z");
  EXPECT_FALSE(e.as_object().contains("lastFullSyncTime"));
  EXPECT_EQ(e.at("records"), 42);
  EXPECT_EQ(e.at("error").at("code"), "CMN-419");
  EXPECT_EQ(e.at("error").at("message"), "needs ReadMessages");
}

TEST(SyncStatusJson, RefusedTokenShowsItsCode) {
  sync::sync_status s;
  s.token.state = ringcentral::token_status::state::failed;
  s.token.error = ringcentral::api_error{400, "OAU-140", "Invalid JWT", ""};
  auto v = boost::json::parse(sync::to_json(s));
  EXPECT_EQ(v.at("token").at("state"), "failed");
  EXPECT_EQ(v.at("token").at("error").at("code"), "OAU-140");
  EXPECT_TRUE(v.at("extensions").as_array().empty());
}
