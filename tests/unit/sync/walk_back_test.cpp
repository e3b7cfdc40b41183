// The walk-back of a full sync as a pure function of cursor and page.
#include "rcvault/sync/walk_back.hpp"

#include <gtest/gtest.h>

using namespace rcvault;

namespace {

// A page of records (id, creationTime in ms), newest first.
ingest::sync_page page_of(std::vector<std::pair<std::string, core::millis>> records, bool older) {
  ingest::sync_page p;
  p.info.sync_token = "tok";
  p.info.older_records_exist = older;
  for (auto& [id, t] : records) {
    ingest::sync_record r;
    r.id = id;
    r.creation_time = t;
    p.records.push_back(std::move(r));
  }
  return p;
}

std::vector<std::string> ids(const std::vector<store::seen_record>& seen) {
  std::vector<std::string> out;
  for (const auto& s : seen) out.push_back(s.id);
  return out;
}

}  // namespace

TEST(WalkBack, LastPageEndsTheWalk) {
  auto step = sync::plan_full_page({}, page_of({{"3", 300}, {"2", 200}}, false));
  EXPECT_TRUE(step.done);
  EXPECT_EQ(step.submit, (std::vector<std::size_t>{0, 1}));
}

TEST(WalkBack, NextDateToIsOldestPlusOneMillisecond) {
  auto step = sync::plan_full_page({}, page_of({{"5", 500}, {"4", 400}, {"3", 300}}, true));
  EXPECT_FALSE(step.done);
  EXPECT_FALSE(step.stalled);
  EXPECT_EQ(step.next_date_to, 301);
  EXPECT_EQ(ids(step.next_seen), (std::vector<std::string>{"3"}));
}

TEST(WalkBack, IdsAlreadySeenAreSkipped) {
  store::full_sync_progress cur;
  cur.date_to = 301;
  cur.seen = {{"3", 300}};
  auto step = sync::plan_full_page(cur, page_of({{"3", 300}, {"2", 200}, {"1", 200}}, true));
  EXPECT_EQ(step.submit, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(step.next_date_to, 201);
  EXPECT_EQ(ids(step.next_seen), (std::vector<std::string>{"2", "1"}));
}

TEST(WalkBack, SameTimeAcrossPagesAccumulatesSeenIds) {
  store::full_sync_progress cur;
  cur.date_to = 101;
  cur.seen = {{"a", 100}, {"b", 100}};
  auto step = sync::plan_full_page(cur, page_of({{"a", 100}, {"b", 100}, {"c", 100}}, true));
  EXPECT_EQ(step.submit, (std::vector<std::size_t>{2}));
  EXPECT_EQ(step.next_date_to, 101);
  EXPECT_EQ(ids(step.next_seen), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(WalkBack, PageWithoutNewIdMovesDateToItsOldestTime) {
  store::full_sync_progress cur;
  cur.date_to = 101;
  cur.seen = {{"a", 100}, {"b", 100}};
  auto step = sync::plan_full_page(cur, page_of({{"a", 100}, {"b", 100}}, true));
  EXPECT_TRUE(step.stalled);
  EXPECT_TRUE(step.submit.empty());
  EXPECT_EQ(step.next_date_to, 100);
}

TEST(WalkBack, StalledTwiceAtTheSameTimeStillMovesBack) {
  store::full_sync_progress cur;
  cur.date_to = 100;  // an inclusive dateTo repeats the records at 100
  cur.seen = {{"a", 100}};
  auto step = sync::plan_full_page(cur, page_of({{"a", 100}}, true));
  EXPECT_TRUE(step.stalled);
  EXPECT_EQ(step.next_date_to, 99);
}

TEST(WalkBack, RecordsWithoutIdAreAlwaysSubmitted) {
  auto p = page_of({{"", 300}, {"2", 200}}, false);
  auto step = sync::plan_full_page({}, p);
  EXPECT_EQ(step.submit, (std::vector<std::size_t>{0, 1}));
}

TEST(WalkBack, NoCreationTimeEndsTheWalk) {
  auto p = page_of({{"2", 0}}, true);
  p.records[0].creation_time.reset();
  EXPECT_TRUE(sync::plan_full_page({}, p).done);
}

TEST(WalkBack, TokenRefusals) {
  EXPECT_TRUE(sync::token_refused({400, "MSG-333", "Invalid message synchronisation request", ""}));
  EXPECT_TRUE(sync::token_refused({400, "CMN-101", "Parameter [syncToken] value is invalid.", ""}));
  EXPECT_TRUE(sync::token_refused({400, "CMN-101", "invalid", "syncToken"}));
  EXPECT_FALSE(sync::token_refused({400, "CMN-101", "Parameter [messageType] value is invalid.", "messageType"}));
  EXPECT_FALSE(sync::token_refused({403, "CMN-419", "", ""}));
}
