#include "rcvault/sync/due.hpp"

#include <algorithm>

namespace rcvault::sync {

using duration = std::chrono::steady_clock::duration;

steady_point next_sync(const pass_outcome& outcome, unsigned& failures, steady_point now, const options& opts) {
  steady_point due;
  if (!outcome.failed) {
    failures = 0;
    due = now + opts.interval;
  } else if (outcome.state == store::mailbox_state::backoff) {
    ++failures;
    const auto wait = std::chrono::duration_cast<duration>(opts.backoff_min) * (1u << std::min(failures - 1, 10u));
    due = now + std::min<duration>(wait, opts.interval);
  } else if (outcome.state == store::mailbox_state::forbidden || outcome.state == store::mailbox_state::gone) {
    due = now + std::max<duration>(opts.relist_interval, opts.interval);
  } else {
    due = now + opts.interval;
  }
  if (outcome.poked) due = std::min(due, now + std::chrono::duration_cast<duration>(opts.poke_delay));
  return due;
}

steady_point next_listing(bool failed, steady_point now, const options& opts) {
  if (failed) return now + std::min<duration>(opts.interval, std::chrono::seconds(60));
  return now + opts.relist_interval;
}

}  // namespace rcvault::sync
