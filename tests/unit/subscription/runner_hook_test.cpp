// The sync runner's hook for the subscription keeper: a task spawned on the
// API thread gets the runner's client, poke_all() brings an incremental sync
// of every mailbox, stop() cancels the task (docs/deploy.md: the gap is filled).
#include "client_fixture.hpp"
#include "temp_dir.hpp"

#include "rcvault/accept/gateway.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"
#include "rcvault/sync/runner.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

using namespace rcvault;
using namespace std::chrono_literals;

namespace {

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

TEST(SubscriptionRunnerHook, SpawnedTaskGetsTheClientAndPokeAllSyncsEveryMailbox) {
  test::fake_process fake{test::high_limits()};
  test::temp_dir dir;
  store::options so;
  so.path = dir / "archive.db";
  ASSERT_TRUE(store::migrate(so).has_value());
  store::writer writer(so, [](core::event_kind k, std::string_view raw) { return ingest::renormalise(k, raw); });
  writer.start();
  {
    accept::gateway gateway(writer);
    sync::runner_options o;
    o.client = test::fake_options(fake);
    o.store = so;
    o.sync.heartbeat = 500ms;
    o.sync.poke_delay = 100ms;
    sync::runner r(o, gateway);

    std::atomic<bool> got_owner{false};
    std::atomic<bool> ended{false};
    r.spawn([&](ringcentral::client& c) -> boost::asio::awaitable<void> {
      auto t = co_await c.ensure_token();
      got_owner = t && t->owner_id == "2253168021";
      boost::asio::steady_timer forever(co_await boost::asio::this_coro::executor);
      forever.expires_at(boost::asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await forever.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      ended = true;
    });
    r.start();
    auto syncs = [&] { return fake.requests("message-sync").size(); };
    ASSERT_TRUE(wait_for([&] { return got_owner.load() && syncs() == 1 && r.mailboxes().size() == 1; }, 30s))
        << "owner " << got_owner << " syncs " << syncs();
    // sync.interval is 300 s: only a poke brings the next one now.
    r.poke_all();
    EXPECT_TRUE(wait_for([&] { return syncs() == 2; }, 30s)) << syncs();
    EXPECT_NE(std::string(fake.requests("message-sync").back().at("query").as_string()).find("syncType=ISync"),
              std::string::npos);
    r.stop();
    EXPECT_TRUE(ended.load());
  }
  writer.stop();
}

}  // namespace
