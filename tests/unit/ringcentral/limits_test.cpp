// The client's limits and faults against the fake RingCentral (docs/sync.md,
// "Limits"): pacing per group, 429 with Retry-After, X-Rate-Limit-Remaining,
// backoff through 5xx and resets, the response size limit, cancel().
#include "client_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

using namespace rcvault;
using namespace rcvault::test;
using ringcentral::client;
using ringcentral::rate_group;
namespace asio = boost::asio;

namespace {

// Runs `n` gets of `path` in `group` at once and returns how many succeeded.
int run_concurrently(asio::io_context& io, client& api, int n, const std::string& path, rate_group group,
                     const std::string& endpoint) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto r = co_await api.get(path, group, endpoint);
      if (r) ++ok;
    }, asio::detached);
  }
  io.restart();
  io.run();
  return ok;
}

}  // namespace

TEST(Pacing, RequestsOfAGroupAreSpacedBy60OverN) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.light_per_minute = 120;  // 0.5 s apart
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/requests/reset");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_concurrently(io, api, 6, sync_path, rate_group::light, sync_template), 6);
  auto log = fake.requests("message-sync");
  ASSERT_EQ(log.size(), 6u);
  for (std::size_t i = 1; i < log.size(); ++i) {
    // Measured where the fake's threads log them: 25 ms for scheduling noise on a loaded machine.
    EXPECT_GE(time_of(log[i]) - time_of(log[i - 1]), 0.475) << "request " << i;
  }
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
}

TEST(Pacing, GroupsArePacedApart) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.light_per_minute = 20;  // 3 s apart: a second light request would take 3 s
  opts.medium_per_minute = 6000;
  client api(io, opts);
  ASSERT_TRUE(run(io, api.get(sync_path, rate_group::light, sync_template)));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(run(io, api.get("/restapi/v1.0/account/~/extension", rate_group::medium, "/restapi/v1.0/account/{accountId}/extension")));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1500));
}

TEST(RateLimit, RetryAfterHoldsTheGroupAndTheCallCompletes) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.light_per_minute = 120;  // 0.5 s apart: the others are not yet sent when the 429 comes back
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/faults",
               R"({"path":"message-sync","count":1,"action":"respond","status":429,"retry_after":2})");
  fake.control("POST", "/_fake/requests/reset");
  // Three light calls at once: the first meets the 429, none of the group may follow within 2 s.
  ASSERT_EQ(run_concurrently(io, api, 3, sync_path, rate_group::light, sync_template), 3);
  auto log = fake.requests("^/restapi/v1.0/");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(status_of(log[0]), 429);
  for (std::size_t i = 1; i < log.size(); ++i) {
    EXPECT_EQ(status_of(log[i]), 200);
    EXPECT_GE(time_of(log[i]) - time_of(log[0]), 1.995) << "request " << i << " came before Retry-After elapsed";
  }
  auto stats = api.stats();
  EXPECT_EQ(stats.rate_limited["light"], 1u);
  EXPECT_EQ((stats.requests[{sync_template, 429}]), 1u);
  EXPECT_EQ((stats.requests[{sync_template, 200}]), 3u);
}

TEST(RateLimit, ExhaustedWindowWaitsForTheWindow) {
  // The fake advertises 3 light requests a 2-second window: after the third
  // (X-Rate-Limit-Remaining: 0) the client waits the window out.
  fake_process fake({"--rate-limit", "light=3", "--rate-limit", "auth=1000"});
  fake.control("POST", "/_fake/config", R"({"rate_limits":{"light":{"limit":3,"window":2}}})");
  asio::io_context io;
  client api(io, fake_options(fake));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(run(io, api.get(sync_path, rate_group::light, sync_template)));
  auto log = fake.requests("message-sync");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_LT(time_of(log[2]) - time_of(log[0]), 1.0);
  EXPECT_GE(time_of(log[3]) - time_of(log[2]), 1.995);
}

TEST(Retry, ServerErrorsAndResetsBackOffAndRecover) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.backoff_min = std::chrono::milliseconds(200);
  opts.backoff_max = std::chrono::milliseconds(2000);
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/faults", R"({"path":"message-sync","count":2,"action":"respond","status":503})");
  fake.control("POST", "/_fake/faults", R"({"path":"message-sync","count":1,"action":"reset"})");
  fake.control("POST", "/_fake/requests/reset");
  auto r = run(io, api.get(sync_path, rate_group::light, sync_template));
  ASSERT_TRUE(r) << r.error().code;
  auto log = fake.requests("message-sync");
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(status_of(log[0]), 503);
  EXPECT_EQ(status_of(log[1]), 503);
  EXPECT_EQ(status_of(log[2]), 0);  // reset, no answer
  EXPECT_EQ(status_of(log[3]), 200);
  // Waits drawn from [d/2, d], d doubling from 200 ms: at least 100, 200, 400 ms.
  EXPECT_GE(time_of(log[1]) - time_of(log[0]), 0.099);
  EXPECT_GE(time_of(log[2]) - time_of(log[1]), 0.199);
  EXPECT_GE(time_of(log[3]) - time_of(log[2]), 0.399);
}

TEST(Retry, GivesUpAfterMaxAttempts) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.max_attempts = 3;
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/faults", R"({"path":"message-sync","count":10,"action":"respond","status":500})");
  fake.control("POST", "/_fake/requests/reset");
  auto r = run(io, api.get(sync_path, rate_group::light, sync_template));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 500u);
  EXPECT_EQ(r.error().code, "CMN-201");
  EXPECT_EQ(fake.requests("message-sync").size(), 3u);
}

TEST(Retry, ClientErrorsAreNotRetried) {
  fake_process fake(high_limits());
  fake.control("POST", "/_fake/forbidden", R"({"extension":"2253168021","forbidden":true,"code":"CMN-419"})");
  asio::io_context io;
  client api(io, fake_options(fake));
  auto r = run(io, api.get(sync_path, rate_group::light, sync_template));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 403u);
  EXPECT_EQ(r.error().code, "CMN-419");
  EXPECT_EQ(fake.requests("message-sync").size(), 1u);
}

TEST(Limits, AnswerLargerThanTheLimitFailsWithoutRetry) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.max_response_bytes = 10'000;
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/faults",
               R"({"path":"message-sync","count":1,"action":"respond","status":200,"body_bytes":20000})");
  fake.control("POST", "/_fake/requests/reset");
  auto r = run(io, api.get(sync_path, rate_group::light, sync_template));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "too_large");
  EXPECT_EQ(fake.requests("message-sync").size(), 1u);
  // The client goes on working afterwards.
  EXPECT_TRUE(run(io, api.get(sync_path, rate_group::light, sync_template)));
}

TEST(Limits, SlowAnswerTimesOut) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.request_timeout = std::chrono::milliseconds(300);
  opts.max_attempts = 2;
  client api(io, opts);
  ASSERT_TRUE(run(io, api.ensure_token()));
  fake.control("POST", "/_fake/faults", R"({"path":"message-sync","count":2,"action":"delay","delay_ms":2000})");
  auto r = run(io, api.get(sync_path, rate_group::light, sync_template));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "timeout");
}

TEST(Cancel, EndsAWaitAtOnce) {
  fake_process fake(high_limits());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.light_per_minute = 1;  // the second call would wait a minute
  client api(io, opts);
  ASSERT_TRUE(run(io, api.get(sync_path, rate_group::light, sync_template)));
  std::optional<ringcentral::api_result<ringcentral::api_response>> second;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { second = co_await api.get(sync_path, rate_group::light, sync_template); },
                 asio::detached);
  asio::steady_timer soon(io, std::chrono::milliseconds(200));
  soon.async_wait([&](auto) { api.cancel(); });
  const auto started = std::chrono::steady_clock::now();
  io.restart();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  ASSERT_TRUE(second);
  ASSERT_FALSE(*second);
  EXPECT_EQ(second->error().code, "cancelled");
}
