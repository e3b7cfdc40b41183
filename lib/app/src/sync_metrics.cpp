#include "sync_metrics.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace rcvault::app::detail {
namespace {

// The runner keeps totals; Prometheus counters only go up by what was added,
// so each scrape adds what changed since the previous one.
struct seen_totals {
  std::mutex mu;  // scrapes may run on several reader threads at once
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests;
  std::map<std::string, std::uint64_t> rate_limited;
  std::uint64_t records = 0;
};

std::uint64_t grown(std::uint64_t now, std::uint64_t& before) {
  const auto delta = now > before ? now - before : 0;
  before = std::max(before, now);
  return delta;
}

}  // namespace

void register_sync_metrics(metrics::registry& r, const sync::runner& runner) {
  auto& requests = r.counter("rcvault_ringcentral_requests_total",
                             "RingCentral API requests by endpoint template and HTTP code (0: no answer)",
                             {"endpoint", "code"});
  auto& rate_limited = r.counter("rcvault_ringcentral_rate_limited_total",
                                 "RingCentral answers 429 by rate-limit group", {"group"});
  auto& records = r.counter("rcvault_sync_records_total", "records Message Sync stored (new or changed)");
  auto& last_success = r.gauge("rcvault_sync_last_success_timestamp_seconds",
                               "end of the last successful sync of each mailbox", {"extension"});
  auto& mailboxes = r.gauge("rcvault_sync_mailboxes", "mailboxes by sync state", {"state"});
  auto seen = std::make_shared<seen_totals>();
  r.on_collect([&, seen, runner_ptr = &runner] {
    const auto m = runner_ptr->metrics();
    std::lock_guard lk(seen->mu);
    for (const auto& [key, total] : m.client.requests) {
      const auto delta = grown(total, seen->requests[key]);
      if (delta > 0) requests.add({key.first, std::to_string(key.second)}, delta);
    }
    for (const auto& [group, total] : m.client.rate_limited) {
      const auto delta = grown(total, seen->rate_limited[group]);
      if (delta > 0) rate_limited.add({group}, delta);
    }
    if (const auto delta = grown(m.records_total, seen->records); delta > 0) records.add(delta);
    for (const auto& [extension, at] : m.last_success)
      last_success.set({extension}, static_cast<double>(at) / 1000.0);
    for (const auto& [state, count] : m.mailboxes) mailboxes.set({state}, static_cast<double>(count));
  });
}

}  // namespace rcvault::app::detail
