#include "attachment_metrics.hpp"

#include "rcvault/metrics/counter_feed.hpp"

#include <memory>

namespace rcvault::app::detail {

void register_attachment_metrics(metrics::registry& r, const attachments::fetcher& f) {
  auto& paused = r.gauge("rcvault_attachment_fetcher_paused",
                         "1 while the attachment fetcher pauses: free space under attachments.min_free_bytes");
  auto& free = r.gauge("rcvault_attachment_free_bytes",
                       "free bytes on the disk of attachments.dir when the fetcher last looked");
  auto& downloads = r.counter("rcvault_attachment_downloads_total",
                              "attachment downloads by the archive state they ended in", {"outcome"});
  auto feed = std::make_shared<metrics::counter_feed>(downloads);  // the fetcher keeps the totals
  r.on_collect([&, feed, fetcher = &f] {
    const auto s = fetcher->status();
    paused.set(s.paused ? 1.0 : 0.0);
    free.set(s.free_bytes ? static_cast<double>(*s.free_bytes) : 0.0);
    for (const auto* outcome : {"stored", "gone", "forbidden", "too_large", "failed"}) {
      auto it = s.results.find(outcome);
      feed->update({outcome}, it == s.results.end() ? 0 : it->second);
    }
  });
}

}  // namespace rcvault::app::detail
