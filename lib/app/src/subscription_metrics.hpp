#pragma once
// The metrics of the webhook subscription (docs/deploy.md, section 4a), read from the keeper at
// every scrape of GET /metrics.

#include "rcvault/metrics/registry.hpp"
#include "rcvault/subscription/keeper.hpp"

namespace rcvault::app::detail {

// Registers rcvault_subscription_status{status} (1 for the keeper's state,
// 0 for the others), rcvault_subscription_expiry_timestamp_seconds and
// rcvault_subscription_recreations_total in `r`. `k` must outlive every render of `r`.
void register_subscription_metrics(metrics::registry& r, const subscription::keeper& k);

}  // namespace rcvault::app::detail
