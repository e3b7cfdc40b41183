#include "rcvault/ringcentral/pacer.hpp"

#include <algorithm>

namespace rcvault::ringcentral {

namespace {
constexpr std::chrono::nanoseconds minute = std::chrono::minutes(1);
}

pacer::pacer(unsigned light_per_minute, unsigned medium_per_minute, unsigned auth_per_minute) {
  const unsigned ceilings[3] = {light_per_minute, medium_per_minute, auth_per_minute};
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    groups_[i].per_minute = std::max(1u, ceilings[i]);
    groups_[i].interval = minute / groups_[i].per_minute;
  }
}

steady_time pacer::reserve(rate_group g, steady_time now) {
  auto& s = groups_[static_cast<std::size_t>(g)];
  steady_time start = std::max(now, s.blocked_until);
  if (g == rate_group::auth) {
    // A sliding window instead of even spacing: the fallback from a refused
    // refresh to a JWT grant must not wait 60/N s, yet no minute sees more
    // than N token requests.
    while (!s.recent.empty() && s.recent.front() + minute <= start) s.recent.pop_front();
    if (s.recent.size() >= s.per_minute) {
      start = std::max(start, s.recent[s.recent.size() - s.per_minute] + minute);
    }
    s.recent.push_back(start);
    return start;
  }
  start = std::max(start, s.next_free);
  s.next_free = start + s.interval;
  return start;
}

void pacer::block(rate_group g, steady_time until) {
  auto& s = groups_[static_cast<std::size_t>(g)];
  s.blocked_until = std::max(s.blocked_until, until);
}

steady_time pacer::blocked_until(rate_group g) const { return groups_[static_cast<std::size_t>(g)].blocked_until; }

std::chrono::nanoseconds pacer::interval(rate_group g) const { return groups_[static_cast<std::size_t>(g)].interval; }

}  // namespace rcvault::ringcentral
