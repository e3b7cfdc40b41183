#pragma once
// The attachment fetcher's own metrics (docs/attachments.md): its pause for
// disk space, the free space it saw and its downloads by outcome. The counts
// by archive state and the bytes stored come from the database's counters
// (lib/http's metrics).

#include "rcvault/attachments/fetcher.hpp"
#include "rcvault/metrics/registry.hpp"

namespace rcvault::app::detail {

// Registers rcvault_attachment_fetcher_paused, rcvault_attachment_free_bytes
// and rcvault_attachment_downloads_total{outcome}, read from `f` at each
// scrape. `f` must outlive the registry's renders.
void register_attachment_metrics(metrics::registry& r, const attachments::fetcher& f);

}  // namespace rcvault::app::detail
