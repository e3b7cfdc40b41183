// The token source against the fake RingCentral (docs/sync.md, "Credentials"):
// one grant reused, refresh ahead of expiry and after a 401, the fallback to a
// JWT grant, and a refused JWT that fails without hammering the token endpoint.
#include "client_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using namespace rcvault::test;
using ringcentral::client;
using ringcentral::rate_group;
using ringcentral::token_status;
namespace asio = boost::asio;

namespace {

std::vector<boost::json::object> token_requests(fake_process& fake) { return fake.requests("^/restapi/oauth/token"); }

}  // namespace

TEST(TokenSource, OneGrantServesManyCalls) {
  fake_process fake(high_limits());
  asio::io_context io;
  client api(io, fake_options(fake));
  for (int i = 0; i < 3; ++i) {
    auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    EXPECT_EQ(r->status, 200u);
  }
  auto tokens = token_requests(fake);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].at("grant_type").as_string(), "jwt");
  EXPECT_EQ(tokens[0].at("authorization").as_string(), "basic");
  EXPECT_EQ(status_of(tokens[0]), 200);
  auto calls = fake.requests("^/restapi/v1.0/");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(count_where(calls, "bearer", "valid"), 3u);
  auto st = api.status();
  EXPECT_EQ(st.state, token_status::state::ok);
  EXPECT_EQ(st.owner_id, "2253168021");
  ASSERT_TRUE(st.expires_at_ms);
  EXPECT_GT(*st.expires_at_ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count());
}

TEST(TokenSource, ExpiredAccessTokenIsRefreshedOnceAndTheCallRetriedOnce) {
  fake_process fake(high_limits({"--issue-refresh-tokens"}));
  asio::io_context io;
  client api(io, fake_options(fake));
  ASSERT_TRUE(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
  fake.control("POST", "/_fake/tokens/expire", R"({"access":true,"refresh":false})");
  fake.control("POST", "/_fake/requests/reset");
  auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
  ASSERT_TRUE(r) << r.error().code;
  auto log = fake.requests();
  ASSERT_EQ(log.size(), 3u);  // the 401, one refresh, one retry
  EXPECT_EQ(status_of(log[0]), 401);
  EXPECT_EQ(log[0].at("bearer").as_string(), "expired");
  EXPECT_EQ(log[1].at("grant_type").as_string(), "refresh_token");
  EXPECT_EQ(status_of(log[1]), 200);
  EXPECT_EQ(status_of(log[2]), 200);
  EXPECT_EQ(log[2].at("bearer").as_string(), "valid");
}

TEST(TokenSource, WithoutRefreshTokensAnExpiredTokenTakesOneNewGrant) {
  fake_process fake(high_limits());
  asio::io_context io;
  client api(io, fake_options(fake));
  ASSERT_TRUE(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
  fake.control("POST", "/_fake/tokens/expire");
  fake.control("POST", "/_fake/requests/reset");
  ASSERT_TRUE(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
  auto tokens = token_requests(fake);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].at("grant_type").as_string(), "jwt");
}

TEST(TokenSource, ASecond401IsTheCallersAnswer) {
  fake_process fake(high_limits());
  asio::io_context io;
  client api(io, fake_options(fake));
  ASSERT_TRUE(run(io, api.ensure_token()));
  // Every API call answers 401: one renewal, one retry, then the error, no loop.
  fake.control("POST", "/_fake/faults",
               R"({"path":"^/restapi/v1.0/","count":10,"action":"respond","status":401,
                   "body":{"errorCode":"OAU-128","message":"Access token expired","errors":[{"errorCode":"OAU-128","message":"Access token expired"}]}})");
  fake.control("POST", "/_fake/requests/reset");
  auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 401u);
  EXPECT_EQ(r.error().code, "OAU-128");
  EXPECT_EQ(fake.requests("^/restapi/v1.0/").size(), 2u);
  EXPECT_EQ(token_requests(fake).size(), 1u);
}

TEST(TokenSource, RenewsAheadOfExpiry) {
  // expires_in 2 s: renewed after 1.6 s (80 %), before RingCentral would refuse it.
  fake_process fake(high_limits({"--issue-refresh-tokens", "--expires-in", "2"}));
  asio::io_context io;
  client api(io, fake_options(fake));
  ASSERT_TRUE(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1700));
  ASSERT_TRUE(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
  auto log = fake.requests();
  EXPECT_EQ(count_where(log, "grant_type", "refresh_token"), 1u);
  EXPECT_EQ(log.back().at("bearer").as_string(), "valid");
  for (const auto& r : log) EXPECT_NE(status_of(r), 401) << "no call may go out with a token past 80 % of its life";
}

TEST(TokenSource, RefusedRefreshFallsBackAtOnceToOneJwtGrant) {
  fake_process fake(high_limits({"--issue-refresh-tokens"}));
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.auth_per_minute = 4;  // the product's ceiling: the fallback must not wait 15 s behind the refresh
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/tokens/expire", R"({"access":true,"refresh":true})");
  fake.control("POST", "/_fake/requests/reset");
  const auto started = std::chrono::steady_clock::now();
  auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
  ASSERT_TRUE(r) << r.error().code;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  auto tokens = token_requests(fake);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].at("grant_type").as_string(), "refresh_token");
  EXPECT_EQ(status_of(tokens[0]), 400);
  EXPECT_EQ(tokens[1].at("grant_type").as_string(), "jwt");
  EXPECT_EQ(status_of(tokens[1]), 200);
}

TEST(TokenSource, RefusedJwtFailsWithRingCentralsCodeAndIsNotRetriedSoon) {
  fake_process fake(high_limits());
  fake.control("POST", "/_fake/jwt", R"({"refuse":true})");
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.jwt_retry = std::chrono::milliseconds(1500);
  client api(io, opts);
  auto first = run(io, api.ensure_token());
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, "token_refused");
  EXPECT_NE(first.error().message.find("OAU-140"), std::string::npos);
  auto st = api.status();
  EXPECT_EQ(st.state, token_status::state::failed);
  ASSERT_TRUE(st.error);
  EXPECT_EQ(st.error->code, "OAU-140");
  EXPECT_EQ(st.error->http_status, 400u);
  // Calls meanwhile fail at once, without a token request (no tight retry loop).
  for (int i = 0; i < 5; ++i) {
    auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "token_refused");
  }
  EXPECT_EQ(token_requests(fake).size(), 1u);
  EXPECT_TRUE(fake.requests("^/restapi/v1.0/").empty());
  // After jwt_retry the grant is tried again, and works once RingCentral accepts the JWT.
  fake.control("POST", "/_fake/jwt", R"({"refuse":false})");
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
  ASSERT_TRUE(r) << r.error().code;
  EXPECT_EQ(api.status().state, token_status::state::ok);
  EXPECT_EQ(token_requests(fake).size(), 2u);
}

TEST(TokenSource, WrongClientSecretIsARefusal) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.client_secret = "not-the-secret";
  client api(io, opts);
  auto r = run(io, api.ensure_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "token_refused");
  ASSERT_TRUE(api.status().error);
  EXPECT_EQ(api.status().error->code, "OAU-153");
}
