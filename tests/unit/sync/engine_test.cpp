// Message Sync of one mailbox against a scripted RingCentral and a recording
// store: the walk-back, token adoption, ISync repetition and the failures.
#include "engine_fakes.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using test::rec;
using test::sync_page_json;

namespace {

struct engine_test : ::testing::Test {
  boost::asio::io_context io;
  test::scripted_api api;
  test::recording_store store;
  sync::options opts;
  store::sync_checkpoint state;

  engine_test() { state.extension_id = "7"; }

  sync::mailbox_report run(sync::sync_kind kind = sync::sync_kind::automatic) {
    sync::mailbox_engine engine(api, store, opts, io.get_executor());
    return test::run_to_end(io, engine.run(state, kind));
  }

  std::vector<std::string> stored_ids() const {
    std::vector<std::string> out;
    for (const auto& n : store.records) out.push_back(n.msg ? n.msg->id : "?");
    return out;
  }
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_F(engine_test, FullSyncWalksBackAndAdoptsTheFirstTokenOnlyWithTheLastPage) {
  api.push(sync_page_json({{"5", 500}, {"4", 400}, {"3", 300}}, "T1", true));
  api.push(sync_page_json({{"3", 300}, {"2", 200}}, "T2", true));
  api.push(sync_page_json({{"1", 100}}, "T3", false));
  auto rep = run();

  EXPECT_FALSE(rep.error);
  EXPECT_TRUE(rep.full);
  EXPECT_EQ(rep.pages, 3u);
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"5", "4", "3", "2", "1"}));
  ASSERT_EQ(api.requests().size(), 3u);
  EXPECT_TRUE(has(api.requests()[0], "syncType=FSync")) << api.requests()[0];
  EXPECT_TRUE(has(api.requests()[0], "recordCount=1000"));
  EXPECT_TRUE(has(api.requests()[0], "dateFrom=2000-01-01T00%3A00%3A00.000Z")) << api.requests()[0];
  EXPECT_FALSE(has(api.requests()[0], "dateTo"));
  EXPECT_TRUE(has(api.requests()[1], "dateTo=1970-01-01T00%3A00%3A00.301Z")) << api.requests()[1];
  EXPECT_TRUE(has(api.requests()[2], "dateTo=1970-01-01T00%3A00%3A00.201Z")) << api.requests()[2];

  ASSERT_GE(store.checkpoints.size(), 3u);
  const auto& c1 = store.checkpoints[0];
  EXPECT_FALSE(c1.sync_token) << "the token is adopted only with the last page";
  ASSERT_TRUE(c1.full);
  EXPECT_EQ(c1.full->first_token, "T1");
  EXPECT_EQ(c1.full->date_to, 301);
  EXPECT_EQ(c1.full->seen, (std::vector<store::seen_record>{{"3", 300}}));
  EXPECT_FALSE(store.checkpoints[1].sync_token);
  EXPECT_EQ(store.checkpoints[1].full->date_to, 201);
  const auto& last = store.checkpoints.back();
  EXPECT_EQ(last.sync_token, "T1");
  EXPECT_FALSE(last.full);
  EXPECT_TRUE(last.last_full_sync);
  EXPECT_EQ(last.state, store::mailbox_state::idle);
  EXPECT_EQ(last.records, 5);
  EXPECT_EQ(state, last);
}

TEST_F(engine_test, EachCheckpointFollowsItsPageRecords) {
  api.push(sync_page_json({{"5", 500}, {"4", 400}}, "T1", true));
  api.push(sync_page_json({{"3", 300}}, "T2", false));
  run();
  ASSERT_GE(store.order.size(), 5u);
  EXPECT_EQ(store.order[2], "checkpoint");
  EXPECT_EQ(store.order[4], "checkpoint");
}

TEST_F(engine_test, ResumedWalkBackStartsAtTheStoredCursorAndKeepsTheFirstToken) {
  state.full = store::full_sync_progress{"T1", 946'684'800'000, 301, {{"3", 300}}};
  api.push(sync_page_json({{"3", 300}, {"2", 200}}, "T9", false));
  auto rep = run();
  EXPECT_FALSE(rep.error);
  EXPECT_TRUE(has(api.requests()[0], "dateTo=1970-01-01T00%3A00%3A00.301Z"));
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"2"}));
  EXPECT_EQ(state.sync_token, "T1");
}

TEST_F(engine_test, MoreRecordsWithOneCreationTimeThanAPageHoldsAreAllStored) {
  api.push(sync_page_json({{"9", 900}, {"11", 100}, {"12", 100}}, "T1", true));
  api.push(sync_page_json({{"11", 100}, {"12", 100}, {"13", 100}}, "T2", true));
  api.push(sync_page_json({{"11", 100}, {"12", 100}, {"13", 100}, {"14", 100}, {"15", 90}}, "T3", false));
  auto rep = run();
  EXPECT_FALSE(rep.error);
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"9", "11", "12", "13", "14", "15"}));
}

TEST_F(engine_test, PageWithoutNewIdMovesDateToToItsOldestTime) {
  api.push(sync_page_json({{"11", 100}, {"12", 100}}, "T1", true));
  api.push(sync_page_json({{"11", 100}, {"12", 100}}, "T2", true));
  api.push(sync_page_json({{"13", 50}}, "T3", false));
  auto rep = run();
  EXPECT_FALSE(rep.error);
  ASSERT_EQ(api.requests().size(), 3u);
  EXPECT_TRUE(has(api.requests()[1], "dateTo=1970-01-01T00%3A00%3A00.101Z"));
  EXPECT_TRUE(has(api.requests()[2], "dateTo=1970-01-01T00%3A00%3A00.100Z")) << api.requests()[2];
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"11", "12", "13"}));
}

TEST_F(engine_test, IncrementalSyncRepeatsWhilePagesComeBackFull) {
  opts.record_count = 2;
  state.sync_token = "S0";
  api.push(sync_page_json({{"2", 200}, {"1", 100}}, "S1", false, "ISync"));
  api.push(sync_page_json({{"3", 300}}, "S2", true, "ISync"));
  api.push(sync_page_json({}, "S3", false, "ISync"));
  auto rep = run();
  EXPECT_FALSE(rep.error);
  EXPECT_FALSE(rep.full);
  ASSERT_EQ(api.requests().size(), 3u);
  EXPECT_TRUE(has(api.requests()[0], "syncType=ISync&syncToken=S0&recordCount=2")) << api.requests()[0];
  EXPECT_TRUE(has(api.requests()[1], "syncToken=S1"));
  EXPECT_TRUE(has(api.requests()[2], "syncToken=S2"));
  EXPECT_EQ(state.sync_token, "S3");
  EXPECT_EQ(store.checkpoints[0].sync_token, "S1");
  EXPECT_TRUE(state.last_sync);
  EXPECT_FALSE(state.last_full_sync);
}

TEST_F(engine_test, SyncTokenIsEscapedInTheQuery) {
  state.sync_token = "a+b/c=";
  api.push(sync_page_json({}, "S1", false, "ISync"));
  run();
  EXPECT_TRUE(has(api.requests()[0], "syncToken=a%2Bb%2Fc%3D")) << api.requests()[0];
}

TEST_F(engine_test, RefusedTokenLeadsToAFullSync) {
  state.sync_token = "S0";
  api.push(ringcentral::api_error{400, "MSG-333", "Invalid message synchronisation request", ""});
  api.push(sync_page_json({{"1", 100}}, "F1", false));
  auto rep = run();
  EXPECT_FALSE(rep.error);
  EXPECT_TRUE(rep.full);
  ASSERT_EQ(api.requests().size(), 2u);
  EXPECT_TRUE(has(api.requests()[1], "syncType=FSync"));
  EXPECT_EQ(state.sync_token, "F1");
}

TEST_F(engine_test, CmnOneOhOneNamingTheSyncTokenLeadsToAFullSync) {
  state.sync_token = "S0";
  api.push(ringcentral::api_error{400, "CMN-101", "Parameter [syncToken] value is invalid.", "syncToken"});
  api.push(sync_page_json({}, "F1", false));
  auto rep = run();
  EXPECT_TRUE(rep.full);
  EXPECT_EQ(state.sync_token, "F1");
}

TEST_F(engine_test, ForbiddenMailboxIsMarkedAndKeepsItsToken) {
  state.sync_token = "S0";
  api.push(ringcentral::api_error{403, "CMN-419", "needs ReadMessages with extended scope", ""});
  auto rep = run();
  EXPECT_EQ(rep.state, store::mailbox_state::forbidden);
  ASSERT_TRUE(rep.error);
  EXPECT_EQ(rep.error->code, "CMN-419");
  ASSERT_EQ(store.checkpoints.size(), 1u);
  EXPECT_EQ(store.checkpoints[0].state, store::mailbox_state::forbidden);
  EXPECT_EQ(store.checkpoints[0].sync_token, "S0");
  EXPECT_EQ(store.checkpoints[0].error->code, "CMN-419");
}

TEST_F(engine_test, UnknownMailboxIsGone) {
  api.push(ringcentral::api_error{404, "CMN-102", "Resource for parameter [extensionId] is not found", ""});
  EXPECT_EQ(run().state, store::mailbox_state::gone);
}

TEST_F(engine_test, ServerErrorsLeaveTheMailboxInBackoff) {
  api.push(ringcentral::api_error{503, "CMN-201", "Service Temporary Unavailable", ""});
  EXPECT_EQ(run().state, store::mailbox_state::backoff);
}

TEST_F(engine_test, PageThatIsNotJsonFailsWithoutAdvancingTheToken) {
  state.sync_token = "S0";
  api.push(std::string("<html>oops</html>"));
  auto rep = run();
  EXPECT_EQ(rep.state, store::mailbox_state::failed);
  EXPECT_EQ(rep.error->code, "invalid_json");
  EXPECT_TRUE(store.records.empty());
  ASSERT_EQ(store.checkpoints.size(), 1u);
  EXPECT_EQ(store.checkpoints[0].sync_token, "S0");
}

TEST_F(engine_test, FailureMidWalkKeepsTheCursorOfTheLastPage) {
  api.push(sync_page_json({{"5", 500}, {"4", 400}}, "T1", true));
  api.push(ringcentral::api_error{0, "network", "connection reset", ""});
  auto rep = run();
  EXPECT_EQ(rep.state, store::mailbox_state::backoff);
  EXPECT_FALSE(state.sync_token);
  ASSERT_TRUE(state.full);
  EXPECT_EQ(state.full->first_token, "T1");
  EXPECT_EQ(state.full->date_to, 401);
}

TEST_F(engine_test, AFullLaneMakesTheEngineWaitAndLosesNothing) {
  store.refuse_next = 3;
  api.push(sync_page_json({{"3", 300}, {"2", 200}, {"1", 100}}, "T1", false));
  auto rep = run();
  EXPECT_FALSE(rep.error);
  EXPECT_EQ(store.room_waits, 3u);
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"3", "2", "1"}));
}

TEST_F(engine_test, CheckpointNotCommittedStopsThePass) {
  store.fail_checkpoints = true;
  api.push(sync_page_json({{"5", 500}}, "T1", true));
  api.push(sync_page_json({{"4", 400}}, "T2", false));
  auto rep = run();
  ASSERT_TRUE(rep.error);
  EXPECT_EQ(rep.error->code, "store");
  EXPECT_EQ(rep.state, store::mailbox_state::failed);
  // The second page's records never went out after the first checkpoint failed.
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"5"}));
  EXPECT_FALSE(state.full) << "the state goes back to what was committed";
}

TEST_F(engine_test, ReportCountsNewAndUpdatedMessages) {
  store.known_ids = {"2"};
  state.sync_token = "S0";
  api.push(sync_page_json({{"2", 200}, {"1", 100}}, "S1", false, "ISync"));
  auto rep = run();
  EXPECT_EQ(rep.records, 2u);
  EXPECT_EQ(rep.created, 1u);
  EXPECT_EQ(rep.updated, 1u);
  EXPECT_EQ(state.records, 2);
}

TEST_F(engine_test, AskedFullSyncStartsOverWhateverIsStored) {
  state.sync_token = "S0";
  api.push(sync_page_json({{"1", 100}}, "F1", false));
  auto rep = run(sync::sync_kind::full);
  EXPECT_TRUE(rep.full);
  EXPECT_TRUE(has(api.requests()[0], "syncType=FSync"));
  EXPECT_EQ(state.sync_token, "F1");
}

TEST_F(engine_test, RetentionMovesDateFromForward) {
  opts.retention_days = 30;
  api.push(sync_page_json({}, "F1", false));
  run();
  EXPECT_FALSE(has(api.requests()[0], "dateFrom=2000-01-01")) << api.requests()[0];
}
