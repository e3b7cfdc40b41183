// Graceful stop: nothing acknowledged is lost, idle connections close, run() returns.
#include "envelopes.hpp"
#include "http_client.hpp"
#include "running_app.hpp"

#include "rcvault/store/reader.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace rcvault::test {
namespace {

using namespace std::chrono_literals;

std::string uuid_for(int client, int n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "cccccccc-%04d-4ddd-8eee-%012d", client, n);
  return buf;
}

TEST(Shutdown, StopDuringLoadKeepsEveryAcknowledgedNotification) {
  running_app a;
  constexpr int clients = 16;
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      try {
        http_client c(a.ingest_port());
        for (int n = 0;; ++n) {
          auto uuid = uuid_for(t, n);
          auto r = c.post_json("/webhook", sms_envelope(uuid, std::to_string(t * 100000 + n)));
          if (r.status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.push_back(uuid);
          }
          ++answered;
          if (!r.keep_alive) return;
        }
      } catch (const std::exception&) {
        // The connection closed under the client: the stop reached it.
      }
    });
  }
  while (answered.load() < 200) std::this_thread::yield();
  a.stop();
  for (auto& th : threads) th.join();

  ASSERT_GE(acknowledged.size(), 200u);
  store::reader r(a.store_options());
  for (const auto& uuid : acknowledged) EXPECT_TRUE(r.event(uuid).has_value()) << uuid;
}

TEST(Shutdown, IdleConnectionIsClosedAtOnceByStop) {
  running_app a;
  http_client c(a.ingest_port());
  ASSERT_EQ(c.post_json("/webhook", sms_envelope(uuid_for(0, 0), "1")).status, 200u);
  const auto begin = std::chrono::steady_clock::now();
  a.stop();
  EXPECT_TRUE(c.wait_closed(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

TEST(Shutdown, NoNewConnectionsAfterStop) {
  running_app a;
  const auto port = a.ingest_port();
  a.stop();
  EXPECT_THROW(http_client c(port), std::runtime_error);
}

TEST(Shutdown, StoppedAppCanBeStartedAgainOnTheSameDatabase) {
  temp_dir dir;
  const auto cfg = test_config(dir);
  for (int round = 0; round < 2; ++round) {
    app::app daemon(cfg);
    auto bound = daemon.start();
    ASSERT_TRUE(bound.has_value());
    std::thread runner([&] { daemon.run(); });
    http_client c(bound->ingest_port);
    auto r = c.post_json("/webhook", sms_envelope(uuid_for(0, 0), "1"));
    EXPECT_EQ(r.status, 200u);
    EXPECT_NE(r.body.find(round == 0 ? "stored" : "duplicate"), std::string::npos) << r.body;
    daemon.stop();
    runner.join();
  }
}

}  // namespace
}  // namespace rcvault::test
