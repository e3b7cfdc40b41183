#pragma once
// When the serve loop syncs a mailbox next and lists the extensions again
// (docs/sync.md, "When"): pure functions of the last outcome and the time,
// so the schedule is tested without waiting for it.

#include "rcvault/store/sync_state.hpp"
#include "rcvault/sync/options.hpp"

#include <chrono>

namespace rcvault::sync {

using steady_point = std::chrono::steady_clock::time_point;

// What the loop knows of a mailbox's pass that just ended.
struct pass_outcome {
  bool failed = false;                                      // the pass reported an error
  store::mailbox_state state = store::mailbox_state::idle;  // the mailbox's state afterwards
  bool poked = false;                                       // a poke arrived while it ran
};

// The time of the mailbox's next sync after a pass that ended at `now`.
// `failures` counts the transient failures in a row and is updated: a success
// resets it and waits `interval`; a transient failure (state backoff) waits
// `backoff_min` doubled per failure in a row (at most 2^10 times), never
// longer than `interval`; forbidden and gone wait the longer of
// `relist_interval` and `interval`; any other failure waits `interval`. A
// poke during the pass brings it to at most `poke_delay` after `now`.
steady_point next_sync(const pass_outcome& outcome, unsigned& failures, steady_point now, const options& opts);

// The time of the next extension listing ("all") after one that ended at
// `now`: `relist_interval` later, or, when it failed, the shorter of
// `interval` and 60 s later.
steady_point next_listing(bool failed, steady_point now, const options& opts);

}  // namespace rcvault::sync
