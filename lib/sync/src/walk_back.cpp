#include "rcvault/sync/walk_back.hpp"

#include <algorithm>
#include <unordered_set>

namespace rcvault::sync {

walk_step plan_full_page(const store::full_sync_progress& cursor, const ingest::sync_page& page) {
  walk_step step;
  std::unordered_set<std::string> seen;
  for (const auto& s : cursor.seen) seen.insert(s.id);

  bool new_id = false;
  std::optional<core::millis> oldest;
  for (std::size_t i = 0; i < page.records.size(); ++i) {
    const auto& r = page.records[i];
    if (r.creation_time) oldest = oldest ? std::min(*oldest, *r.creation_time) : *r.creation_time;
    if (r.id.empty()) {
      step.submit.push_back(i);
      continue;
    }
    if (seen.contains(r.id)) continue;
    seen.insert(r.id);
    new_id = true;
    step.submit.push_back(i);
  }
  if (!page.info.older_records_exist || !oldest) {
    step.done = true;
    return step;
  }

  core::millis next;
  if (new_id) {
    next = *oldest + 1;
  } else {
    // Nothing new at this cursor: step past the oldest time, and never stay
    // on the same cursor (an inclusive dateTo would repeat the page forever).
    step.stalled = true;
    next = *oldest;
    if (cursor.date_to && next >= *cursor.date_to) next = *cursor.date_to - 1;
  }
  step.next_date_to = next;

  // Every id that a page asked with dateTo = next could repeat: creationTime
  // at or after the oldest time of this page.
  std::unordered_set<std::string> kept;
  auto keep = [&](const std::string& id, core::millis t) {
    if (t >= *oldest && t <= next && kept.insert(id).second) step.next_seen.push_back({id, t});
  };
  for (const auto& s : cursor.seen) keep(s.id, s.creation_time);
  for (const auto& r : page.records)
    if (!r.id.empty() && r.creation_time) keep(r.id, *r.creation_time);
  return step;
}

bool token_refused(const ringcentral::api_error& e) {
  if (e.code == "MSG-333") return true;
  if (e.code != "CMN-101") return false;
  return e.parameter_name == "syncToken" || e.message.find("syncToken") != std::string::npos;
}

}  // namespace rcvault::sync
