#pragma once
// Pacing per rate-limit group (docs/sync.md, "Limits"): the decisions only,
// with the time passed in, so they are tested without waiting. The client
// asks for a start time, waits until then and asks again whether a 429 moved
// the group's block meanwhile.
//
// Threading: not synchronised; the client uses it on its io thread only.

#include "rcvault/ringcentral/client.hpp"

#include <array>
#include <chrono>
#include <deque>

namespace rcvault::ringcentral {

using steady_time = std::chrono::steady_clock::time_point;

class pacer {
 public:
  // Ceilings per minute: light and medium requests are spread evenly
  // (60/N s apart, no bursts); auth requests are at most N in any 60 s, so a
  // refused refresh can fall back to a JWT grant at once. Each ceiling >= 1.
  pacer(unsigned light_per_minute, unsigned medium_per_minute, unsigned auth_per_minute);

  // Reserves the next start of a request of `g` at or after `now` and returns
  // it; the caller must not send before then.
  steady_time reserve(rate_group g, steady_time now);

  // Nothing of `g` may start before `until` (429 Retry-After,
  // X-Rate-Limit-Remaining: 0). A later block never shortens an earlier one.
  void block(rate_group g, steady_time until);

  // The end of `g`'s current block (a past time point when none).
  steady_time blocked_until(rate_group g) const;

  // The spacing of an evenly paced group: 60 s / ceiling.
  std::chrono::nanoseconds interval(rate_group g) const;

 private:
  struct group_state {
    std::chrono::nanoseconds interval{};
    unsigned per_minute = 1;
    steady_time next_free{};
    steady_time blocked_until{};
    std::deque<steady_time> recent;  // auth only: the starts of the last minute
  };
  std::array<group_state, 3> groups_;
};

}  // namespace rcvault::ringcentral
