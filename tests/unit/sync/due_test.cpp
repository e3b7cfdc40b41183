// The serve loop's schedule (docs/sync.md, "When") as pure functions of the
// last outcome and the time: no test waits for it.
#include "rcvault/sync/due.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using namespace rcvault::sync;
using namespace std::chrono_literals;
using store::mailbox_state;

namespace {

const steady_point t0 = steady_point{} + 1000h;  // any time point; the functions are told the time

options defaults() { return options{}; }  // interval 300 s, relist 3600 s, backoff_min 30 s, poke 1 s

pass_outcome ok() { return pass_outcome{false, mailbox_state::idle, false}; }
pass_outcome failed(mailbox_state s) { return pass_outcome{true, s, false}; }

}  // namespace

TEST(Due, ASuccessWaitsTheIntervalAndClearsTheFailures) {
  unsigned failures = 3;
  EXPECT_EQ(next_sync(ok(), failures, t0, defaults()), t0 + 300s);
  EXPECT_EQ(failures, 0u);
}

TEST(Due, TransientFailuresBackOffDoublingUpToTheInterval) {
  unsigned failures = 0;
  const auto o = defaults();
  // 30, 60, 120, 240 s, then the interval (300 s) caps it, however many failures.
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 30s);
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 60s);
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 120s);
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 240s);
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 300s);
  EXPECT_EQ(failures, 5u);
  failures = 1000;  // no overflow of the doubling
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 300s);
  // A success starts the doubling over.
  next_sync(ok(), failures, t0, o);
  EXPECT_EQ(next_sync(failed(mailbox_state::backoff), failures, t0, o), t0 + 30s);
}

TEST(Due, ForbiddenAndGoneWaitForTheNextListing) {
  unsigned failures = 2;
  EXPECT_EQ(next_sync(failed(mailbox_state::forbidden), failures, t0, defaults()), t0 + 3600s);
  EXPECT_EQ(next_sync(failed(mailbox_state::gone), failures, t0, defaults()), t0 + 3600s);
  auto o = defaults();
  o.interval = 7200s;  // never sooner than the interval
  EXPECT_EQ(next_sync(failed(mailbox_state::gone), failures, t0, o), t0 + 7200s);
  // Not transient: the failures in a row are left as they were.
  EXPECT_EQ(failures, 2u);
}

TEST(Due, OtherFailuresWaitTheInterval) {
  unsigned failures = 0;
  EXPECT_EQ(next_sync(failed(mailbox_state::failed), failures, t0, defaults()), t0 + 300s);
  EXPECT_EQ(failures, 0u);
}

TEST(Due, APokeDuringThePassBringsTheNextSyncWithinThePokeDelay) {
  unsigned failures = 0;
  auto poked = ok();
  poked.poked = true;
  EXPECT_EQ(next_sync(poked, failures, t0, defaults()), t0 + 1s);
  auto backoff = failed(mailbox_state::backoff);
  backoff.poked = true;
  EXPECT_EQ(next_sync(backoff, failures, t0, defaults()), t0 + 1s);
  // A poke never delays: a shorter wait stays.
  auto o = defaults();
  o.poke_delay = 10min;
  EXPECT_EQ(next_sync(poked, failures, t0, o), t0 + 300s);
}

TEST(Due, TheExtensionListIsReadAgainEveryRelistIntervalAndSoonerAfterAFailure) {
  EXPECT_EQ(next_listing(false, t0, defaults()), t0 + 3600s);
  EXPECT_EQ(next_listing(true, t0, defaults()), t0 + 60s);
  auto o = defaults();
  o.interval = 20s;
  EXPECT_EQ(next_listing(true, t0, o), t0 + 20s);
}
