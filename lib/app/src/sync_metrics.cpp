#include "sync_metrics.hpp"

#include "rcvault/metrics/counter_feed.hpp"

#include <memory>
#include <string>

namespace rcvault::app::detail {
namespace {

// The runner keeps totals; each scrape adds to the counters what they grew by.
struct totals_feeds {
  totals_feeds(metrics::counter_family& requests_total, metrics::counter_family& rate_limited_total,
               metrics::counter_family& records_total)
      : requests(requests_total), rate_limited(rate_limited_total), records(records_total) {}
  metrics::counter_feed requests;
  metrics::counter_feed rate_limited;
  metrics::counter_feed records;
};

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
  auto feeds = std::make_shared<totals_feeds>(requests, rate_limited, records);
  r.on_collect([&, feeds, runner_ptr = &runner] {
    const auto m = runner_ptr->metrics();
    for (const auto& [key, total] : m.client.requests)
      feeds->requests.update({key.first, std::to_string(key.second)}, total);
    for (const auto& [group, total] : m.client.rate_limited) feeds->rate_limited.update({group}, total);
    feeds->records.update(m.records_total);
    for (const auto& [extension, at] : m.last_success)
      last_success.set({extension}, static_cast<double>(at) / 1000.0);
    for (const auto& [state, count] : m.mailboxes) mailboxes.set({state}, static_cast<double>(count));
  });
}

}  // namespace rcvault::app::detail
