// The client's decisions without a network: pacing per group, backoff, Retry-After
// and RingCentral's error layouts (docs/sync.md, "Limits" and "Failures").
#include "rcvault/ringcentral/backoff.hpp"
#include "rcvault/ringcentral/error_body.hpp"
#include "rcvault/ringcentral/pacer.hpp"

#include <gtest/gtest.h>

using namespace rcvault::ringcentral;
using namespace std::chrono_literals;

namespace {
const steady_time t0 = steady_time{} + 1000h;  // any time point; the pacer is told the time
}

TEST(Pacer, SpreadsAGroupEvenlyWithoutBurst) {
  pacer p(40, 30, 4);
  // Ten requests asked for at the same instant start 1.5 s apart (60 s / 40).
  steady_time previous{};
  for (int i = 0; i < 10; ++i) {
    auto start = p.reserve(rate_group::light, t0);
    if (i == 0) EXPECT_EQ(start, t0);
    else EXPECT_EQ(start - previous, 1500ms);
    previous = start;
  }
  // The medium group has its own spacing (2 s) and is not delayed by light.
  EXPECT_EQ(p.reserve(rate_group::medium, t0), t0);
  EXPECT_EQ(p.reserve(rate_group::medium, t0) - t0, 2s);
}

TEST(Pacer, AnIdleGroupStartsAtOnce) {
  pacer p(40, 30, 4);
  p.reserve(rate_group::light, t0);
  EXPECT_EQ(p.reserve(rate_group::light, t0 + 10s), t0 + 10s);
  EXPECT_EQ(p.reserve(rate_group::light, t0 + 10s), t0 + 11500ms);
}

TEST(Pacer, BlockHoldsTheGroupOnly) {
  pacer p(40, 30, 4);
  p.block(rate_group::light, t0 + 30s);
  EXPECT_EQ(p.reserve(rate_group::light, t0), t0 + 30s);
  EXPECT_EQ(p.reserve(rate_group::medium, t0), t0);
  // A shorter block later does not shorten the first.
  p.block(rate_group::light, t0 + 5s);
  EXPECT_EQ(p.blocked_until(rate_group::light), t0 + 30s);
}

TEST(Pacer, AuthAllowsCeilingPerMinuteThenWaits) {
  pacer p(40, 30, 4);
  // A refused refresh falls back to a JWT grant at once: no spacing in the auth group...
  for (int i = 0; i < 4; ++i) EXPECT_EQ(p.reserve(rate_group::auth, t0 + std::chrono::seconds(i)), t0 + std::chrono::seconds(i));
  // ...but never a fifth token request within a minute of the first.
  EXPECT_EQ(p.reserve(rate_group::auth, t0 + 5s), t0 + 60s);
  EXPECT_EQ(p.reserve(rate_group::auth, t0 + 5s), t0 + 61s);
}

TEST(Backoff, DoublesFromMinToMaxWithJitter) {
  EXPECT_EQ(backoff_delay(1, 2s, 300s, 0.999999), 1999ms);
  EXPECT_EQ(backoff_delay(1, 2s, 300s, 0.0), 1s);
  EXPECT_EQ(backoff_delay(2, 2s, 300s, 0.0), 2s);
  EXPECT_EQ(backoff_delay(3, 2s, 300s, 0.0), 4s);
  EXPECT_EQ(backoff_delay(20, 2s, 300s, 0.0), 150s);
  EXPECT_LE(backoff_delay(20, 2s, 300s, 0.999999), 300s);
  EXPECT_EQ(backoff_delay(1000, 2s, 300s, 0.0), 150s);  // no overflow however many failures
}

TEST(Backoff, RetriesServerAndNetworkFailuresOnly) {
  EXPECT_TRUE(is_retryable(500, "CMN-201"));
  EXPECT_TRUE(is_retryable(503, "http_503"));
  EXPECT_TRUE(is_retryable(0, "network"));
  EXPECT_TRUE(is_retryable(0, "timeout"));
  EXPECT_TRUE(is_retryable(0, "tls"));
  EXPECT_FALSE(is_retryable(0, "too_large"));
  EXPECT_FALSE(is_retryable(0, "cancelled"));
  EXPECT_FALSE(is_retryable(400, "MSG-333"));
  EXPECT_FALSE(is_retryable(403, "CMN-419"));
  EXPECT_FALSE(is_retryable(429, "CMN-301"));
}

TEST(RetryAfter, ReadsSecondsOnly) {
  EXPECT_EQ(parse_retry_after("7"), 7s);
  EXPECT_EQ(parse_retry_after(" 0 "), 0s);
  EXPECT_EQ(parse_retry_after("99999999"), 86400s);
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("-3"), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
}

TEST(ErrorBody, ReadsTheDocumentedLayout) {
  auto e = parse_error_body(400, R"({"errors":[{"errorCode":"MSG-333","message":"full synchronization is required"}]})");
  EXPECT_EQ(e.http_status, 400u);
  EXPECT_EQ(e.code, "MSG-333");
  EXPECT_EQ(e.message, "full synchronization is required");
}

TEST(ErrorBody, ReadsTheLegacyLayoutWithParameterName) {
  auto e = parse_error_body(400, R"({"errorCode":"CMN-101","message":"Parameter [syncToken] value is invalid",
    "errors":[{"errorCode":"CMN-101","message":"Parameter [syncToken] value is invalid","parameterName":"syncToken"}],
    "parameterName":"syncToken"})");
  EXPECT_EQ(e.code, "CMN-101");
  EXPECT_EQ(e.parameter_name, "syncToken");
  auto top_only = parse_error_body(404, R"({"errorCode":"CMN-102","message":"not found","parameterName":"messageId"})");
  EXPECT_EQ(top_only.code, "CMN-102");
  EXPECT_EQ(top_only.parameter_name, "messageId");
}

TEST(ErrorBody, ReadsTheOAuthLayoutWithoutParameterValues) {
  auto e = parse_error_body(401, R"({ "error" : "invalid_client", "errors" : [ { "errorCode" : "OAU-153",
    "message" : "Invalid client: ", "parameters" : [ { "parameterName" : "client_id", "parameterValue" : "s3cr3t" } ] } ],
    "error_description" : "Invalid client: "})");
  EXPECT_EQ(e.code, "OAU-153");
  EXPECT_EQ(e.parameter_name, "client_id");
  EXPECT_EQ(e.message.find("s3cr3t"), std::string::npos);
  auto bare = parse_error_body(400, R"({"error":"invalid_grant","error_description":"Token expired"})");
  EXPECT_EQ(bare.code, "invalid_grant");
  EXPECT_EQ(bare.message, "Token expired");
}

TEST(ErrorBody, NamesTheStatusWhenTheBodyIsNotJson) {
  auto e = parse_error_body(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(e.code, "http_502");
  EXPECT_NE(e.message.find("502"), std::string::npos);
  auto long_message = parse_error_body(400, R"({"errors":[{"errorCode":"X","message":")" + std::string(5000, 'a') + "\"}]}");
  EXPECT_LE(long_message.message.size(), 300u);
}
