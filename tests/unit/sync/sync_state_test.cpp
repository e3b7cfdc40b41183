// The sync state rows and the lease on a real database.
#include "sync_rows.hpp"
#include "temp_dir.hpp"

#include "rcvault/store/database.hpp"
#include "rcvault/store/sync_state.hpp"

#include <SQLiteCpp/Database.h>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

using namespace rcvault;
using namespace std::chrono_literals;

namespace {

struct sync_state_test : ::testing::Test {
  test::temp_dir dir;
  store::options opts;
  sync_state_test() {
    opts.path = dir / "a.db";
    EXPECT_TRUE(store::migrate(opts).has_value());
  }
  void apply(const store::sync_checkpoint& cp) {
    SQLite::Database db(opts.path.string(), SQLite::OPEN_READWRITE);
    store::detail::apply_sync_checkpoint(db, cp);
  }
};

}  // namespace

TEST_F(sync_state_test, CheckpointRoundTrips) {
  store::sync_checkpoint cp;
  cp.extension_id = "400371259008";
  cp.state = store::mailbox_state::syncing;
  cp.full = store::full_sync_progress{"T1", 946'684'800'000, 1'700'000'000'001, {{"11", 1'700'000'000'000}, {"12", 1'700'000'000'000}}};
  cp.last_sync = 5;
  cp.records = 1234;
  cp.error = store::sync_error{"CMN-201", "busy"};
  apply(cp);
  auto back = store::read_sync_state(opts, "400371259008");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, cp);
}

TEST_F(sync_state_test, CheckpointReplacesTheWholeRow) {
  store::sync_checkpoint cp;
  cp.extension_id = "1";
  cp.full = store::full_sync_progress{"", 0, std::nullopt, {}};
  cp.error = store::sync_error{"x", "y"};
  apply(cp);
  store::sync_checkpoint done;
  done.extension_id = "1";
  done.sync_token = "T1";
  done.last_full_sync = 9;
  apply(done);
  auto all = store::read_sync_states(opts);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], done);
}

TEST_F(sync_state_test, FullSyncBeforeItsFirstPageIsStillInProgress) {
  store::sync_checkpoint cp;
  cp.extension_id = "1";
  cp.full = store::full_sync_progress{"", 42, std::nullopt, {}};
  apply(cp);
  auto back = store::read_sync_state(opts, "1");
  ASSERT_TRUE(back && back->full);
  EXPECT_EQ(back->full->date_from, 42);
  EXPECT_FALSE(back->full->date_to);
}

TEST_F(sync_state_test, UnknownMailboxReadsAsNone) { EXPECT_FALSE(store::read_sync_state(opts, "9")); }

TEST_F(sync_state_test, LeaseHeldByAnotherLiveProcessIsRefusedNamingIt) {
  ASSERT_TRUE(store::acquire_sync_lease(opts, "other-host pid 1", 30s));
  auto r = store::acquire_sync_lease(opts, store::this_process_lease_name(), 30s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_NE(r.error().message.find("other-host pid 1"), std::string::npos) << r.error().message;
}

TEST_F(sync_state_test, LeaseIsReentrantAndRenewable) {
  const auto me = store::this_process_lease_name();
  ASSERT_TRUE(store::acquire_sync_lease(opts, me, 30s));
  EXPECT_TRUE(store::acquire_sync_lease(opts, me, 30s));
  EXPECT_TRUE(store::renew_sync_lease(opts, me));
  EXPECT_FALSE(store::renew_sync_lease(opts, "someone else pid 2"));
  EXPECT_EQ(store::read_sync_lease(opts)->holder, me);
}

TEST_F(sync_state_test, StaleLeaseIsTakenOver) {
  ASSERT_TRUE(store::acquire_sync_lease(opts, "other-host pid 1", 30s));
  SQLite::Database db(opts.path.string(), SQLite::OPEN_READWRITE);
  db.exec("UPDATE sync_lease SET heartbeat = heartbeat - 31000");
  EXPECT_TRUE(store::acquire_sync_lease(opts, "me pid 3", 30s));
  EXPECT_FALSE(store::renew_sync_lease(opts, "other-host pid 1")) << "the old holder learns it lost the lease";
}

TEST_F(sync_state_test, LeaseOfADeadProcessOfThisHostIsFreeAtOnce) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);
  const auto self = store::this_process_lease_name();
  const std::string dead = self.substr(0, self.rfind(" pid ")) + " pid " + std::to_string(child);
  ASSERT_TRUE(store::acquire_sync_lease(opts, dead, 30s));
  EXPECT_TRUE(store::acquire_sync_lease(opts, self, 30s));
}

TEST_F(sync_state_test, ReleasedLeaseIsFree) {
  ASSERT_TRUE(store::acquire_sync_lease(opts, "a pid 1", 30s));
  store::release_sync_lease(opts, "b pid 2");  // not its holder: nothing happens
  EXPECT_TRUE(store::read_sync_lease(opts));
  store::release_sync_lease(opts, "a pid 1");
  EXPECT_FALSE(store::read_sync_lease(opts));
}
