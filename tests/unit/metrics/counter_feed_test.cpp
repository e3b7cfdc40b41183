// counter_feed: a counter that follows a running total kept elsewhere, as the
// sync and subscription metrics read their owners' totals at each scrape.
#include "rcvault/metrics/counter_feed.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rcvault::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CounterFeed, ScrapesOfTheSameTotalCountItOnce) {
  registry r;
  auto& c = r.counter("rcvault_sync_records_total", "records");
  counter_feed feed(c);
  feed.update(5);
  feed.update(5);
  EXPECT_TRUE(contains(r.render(), "\nrcvault_sync_records_total 5\n"));
  feed.update(12);
  feed.update(12);
  EXPECT_TRUE(contains(r.render(), "\nrcvault_sync_records_total 12\n"));
}

TEST(CounterFeed, ATotalThatWentDownAddsOnlyWhatPassesTheLargestBefore) {
  registry r;
  auto& c = r.counter("rcvault_sync_records_total", "records");
  counter_feed feed(c);
  feed.update(10);
  feed.update(3);  // the owner started counting again
  EXPECT_EQ(c.value(), 10u);
  feed.update(14);
  EXPECT_EQ(c.value(), 14u);
}

TEST(CounterFeed, LabelSetsAndFeedsSharingAFamilyAddUp) {
  registry r;
  auto& c = r.counter("rcvault_ringcentral_requests_total", "requests", {"endpoint", "code"});
  counter_feed sync_feed(c);
  counter_feed other_feed(c);
  sync_feed.update({"message-sync", "200"}, 4);
  sync_feed.update({"extension", "200"}, 1);
  other_feed.update({"message-sync", "200"}, 2);
  sync_feed.update({"message-sync", "200"}, 6);
  EXPECT_EQ(c.value({"message-sync", "200"}), 8u);  // 6 from one owner, 2 from the other
  EXPECT_EQ(c.value({"extension", "200"}), 1u);
}

}  // namespace
}  // namespace rcvault::metrics
