#include "rcvault/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rcvault::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MetricsRegistry, LabelledCounterRendersOneLinePerLabelSet) {
  registry r;
  auto& c = r.counter("rcvault_ringcentral_requests_total", "API requests, by endpoint and status.",
                      {"endpoint", "code"});
  c.add({"message-sync", "200"});
  c.add({"message-sync", "200"}, 2);
  c.add({"extension", "429"});
  EXPECT_EQ(r.render(),
            "# HELP rcvault_ringcentral_requests_total API requests, by endpoint and status.\n"
            "# TYPE rcvault_ringcentral_requests_total counter\n"
            "rcvault_ringcentral_requests_total{endpoint=\"extension\",code=\"429\"} 1\n"
            "rcvault_ringcentral_requests_total{endpoint=\"message-sync\",code=\"200\"} 3\n");
  EXPECT_EQ(c.value({"message-sync", "200"}), 3u);
}

TEST(MetricsRegistry, UnlabelledCounterShowsZeroBeforeItsFirstUpdate) {
  registry r;
  auto& c = r.counter("rcvault_sync_records_total", "Records fetched by sync.");
  EXPECT_TRUE(contains(r.render(), "\nrcvault_sync_records_total 0\n"));
  c.add(5);
  EXPECT_TRUE(contains(r.render(), "\nrcvault_sync_records_total 5\n"));
}

TEST(MetricsRegistry, CollectHookSetsGaugesAtRenderTime) {
  registry r;
  auto& g = r.gauge("rcvault_sync_mailboxes", "Mailboxes by sync state.", {"state"});
  int polled = 0;
  r.on_collect([&] {
    ++polled;
    g.set({"idle"}, 3);
    g.set({"failing"}, polled);
  });
  EXPECT_TRUE(contains(r.render(), "rcvault_sync_mailboxes{state=\"failing\"} 1\n"));
  const auto second = r.render();
  EXPECT_TRUE(contains(second, "rcvault_sync_mailboxes{state=\"failing\"} 2\n"));
  EXPECT_TRUE(contains(second, "rcvault_sync_mailboxes{state=\"idle\"} 3\n"));
  EXPECT_TRUE(contains(second, "# TYPE rcvault_sync_mailboxes gauge\n"));
}

TEST(MetricsRegistry, HistogramBucketsAreCumulative) {
  registry r;
  auto& h = r.histogram("rcvault_ack_seconds", "Ack time.", {0.25, 1});
  h.observe(0.125);
  h.observe(0.25);
  h.observe(0.5);
  h.observe(3);
  EXPECT_EQ(r.render(),
            "# HELP rcvault_ack_seconds Ack time.\n"
            "# TYPE rcvault_ack_seconds histogram\n"
            "rcvault_ack_seconds_bucket{le=\"0.25\"} 2\n"
            "rcvault_ack_seconds_bucket{le=\"1\"} 3\n"
            "rcvault_ack_seconds_bucket{le=\"+Inf\"} 4\n"
            "rcvault_ack_seconds_sum 3.875\n"
            "rcvault_ack_seconds_count 4\n");
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
  registry r;
  r.counter("rcvault_x_total", "x", {"route"}).add({"a\"b\\c\nd"});
  EXPECT_TRUE(contains(r.render(), "rcvault_x_total{route=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(MetricsRegistry, SameRegistrationTwiceIsOneFamily) {
  registry r;
  auto& a = r.counter("rcvault_sync_records_total", "Records.", {"mailbox"});
  auto& b = r.counter("rcvault_sync_records_total", "Records.", {"mailbox"});
  EXPECT_EQ(&a, &b);
  a.add({"1"});
  EXPECT_EQ(b.value({"1"}), 1u);
}

TEST(MetricsRegistry, ConflictingRegistrationThrows) {
  registry r;
  r.counter("rcvault_sync_records_total", "Records.", {"mailbox"});
  EXPECT_THROW(r.gauge("rcvault_sync_records_total", "Records.", {"mailbox"}), std::logic_error);
  EXPECT_THROW(r.counter("rcvault_sync_records_total", "Records.", {"state"}), std::logic_error);
}

TEST(MetricsRegistry, InvalidNamesAndWrongLabelCountsThrow) {
  registry r;
  EXPECT_THROW(r.counter("rcvault-sync", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("rcvault_ok_total", "x", {"bad-label"}), std::invalid_argument);
  auto& c = r.counter("rcvault_ok_total", "x", {"a", "b"});
  EXPECT_THROW(c.add({"only-one"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("rcvault_h", "x", {0.5, 0.1}), std::invalid_argument);
}

TEST(MetricsRegistry, ConcurrentUpdatesAreAllCounted) {
  registry r;
  auto& c = r.counter("rcvault_concurrent_total", "x", {"worker"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.add({"all"});
        if (i % 1000 == 0) (void)r.render();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value({"all"}), 40000u);
}

}  // namespace
}  // namespace rcvault::metrics
