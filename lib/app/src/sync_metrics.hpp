#pragma once
// The metrics of Message Sync and the API client (docs/sync.md), read from
// the runner at every scrape of GET /metrics.

#include "rcvault/metrics/registry.hpp"
#include "rcvault/sync/runner.hpp"

namespace rcvault::app::detail {

// Registers rcvault_ringcentral_requests_total{endpoint,code},
// rcvault_ringcentral_rate_limited_total{group}, rcvault_sync_records_total,
// rcvault_sync_last_success_timestamp_seconds{extension} and
// rcvault_sync_mailboxes{state} in `r`, updated from `runner` when the
// metrics are rendered. `runner` must outlive every render of `r`.
void register_sync_metrics(metrics::registry& r, const sync::runner& runner);

}  // namespace rcvault::app::detail
