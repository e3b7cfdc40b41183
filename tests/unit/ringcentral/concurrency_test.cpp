// The client used from several coroutines at once while another thread reads
// status() and stats() — the program CI runs under ThreadSanitizer. One token
// request serves every caller; an expired token is renewed once for all.
#include "client_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace rcvault;
using namespace rcvault::test;
using ringcentral::client;
using ringcentral::rate_group;
namespace asio = boost::asio;

namespace {

// Runs `n` calls at once on an io thread while this thread polls status and stats.
int run_calls_while_polling(asio::io_context& io, client& api, int n) {
  std::atomic<int> ok{0};
  std::atomic<bool> done{false};
  for (int i = 0; i < n; ++i) {
    const bool light = i % 2 == 0;
    asio::co_spawn(io, [&, light]() -> asio::awaitable<void> {
      // Not `light ? co_await ... : co_await ...`: GCC 12 destroys that result twice.
      bool good = false;
      if (light) {
        good = static_cast<bool>(co_await api.get(sync_path, rate_group::light, sync_template));
      } else {
        good = static_cast<bool>(co_await api.get("/restapi/v1.0/account/~/extension", rate_group::medium,
                                                  "/restapi/v1.0/account/{accountId}/extension"));
      }
      if (good) ok.fetch_add(1);
    }, asio::detached);
  }
  io.restart();
  std::thread worker([&] {
    io.run();
    done = true;
  });
  std::size_t polls = 0;
  while (!done) {
    auto st = api.status();
    auto stats = api.stats();
    polls += st.owner_id.size() + stats.requests.size();
    std::this_thread::yield();
  }
  worker.join();
  return ok.load();
}

}  // namespace

TEST(Concurrency, ManyCallersShareOneTokenRequest) {
  fake_process fake(high_limits({"--issue-refresh-tokens"}));
  asio::io_context io;
  client api(io, fake_options(fake));
  ASSERT_EQ(run_calls_while_polling(io, api, 12), 12);
  EXPECT_EQ(fake.requests("^/restapi/oauth/token").size(), 1u);
  EXPECT_EQ(fake.requests("^/restapi/v1.0/").size(), 12u);
  EXPECT_EQ(api.status().state, ringcentral::token_status::state::ok);
}

TEST(Concurrency, ExpiredTokenIsRenewedOnceForAllCallers) {
  fake_process fake(high_limits({"--issue-refresh-tokens"}));
  asio::io_context io;
  client api(io, fake_options(fake));
  ASSERT_EQ(run_calls_while_polling(io, api, 2), 2);
  fake.control("POST", "/_fake/tokens/expire");
  fake.control("POST", "/_fake/requests/reset");
  ASSERT_EQ(run_calls_while_polling(io, api, 12), 12);
  auto tokens = fake.requests("^/restapi/oauth/token");
  ASSERT_EQ(tokens.size(), 1u) << "every caller that met the 401 waits for the same refresh";
  EXPECT_EQ(tokens[0].at("grant_type").as_string(), "refresh_token");
  // Every retry used the new token: no request went out with the replaced one.
  auto calls = fake.requests("^/restapi/v1.0/");
  EXPECT_EQ(count_where(calls, "bearer", "replaced"), 0u);
  EXPECT_EQ(count_where(calls, "bearer", "valid"), 12u);
}
