#include "subscription_metrics.hpp"

#include "rcvault/metrics/counter_feed.hpp"

#include <memory>

namespace rcvault::app::detail {

void register_subscription_metrics(metrics::registry& r, const subscription::keeper& k) {
  using state = subscription::keeper_state;
  auto& status = r.gauge("rcvault_subscription_status", "the webhook subscription's state (1 for the current one)",
                         {"status"});
  auto& expiry = r.gauge("rcvault_subscription_expiry_timestamp_seconds",
                         "when the webhook subscription expires unless renewed (0: none)");
  auto& recreations = r.counter("rcvault_subscription_recreations_total",
                                "webhook subscriptions created anew after a blacklisting or a loss");
  auto recreations_feed = std::make_shared<metrics::counter_feed>(recreations);  // the keeper keeps the total
  r.on_collect([&, recreations_feed, keeper = &k] {
    const auto s = keeper->status();
    for (auto st : {state::active, state::blacklisted, state::failed, state::none})
      status.set({subscription::to_string(st)}, s.state == st ? 1.0 : 0.0);
    const auto at = s.current ? s.current->expires_at_ms : std::nullopt;
    expiry.set(at ? static_cast<double>(*at) / 1000.0 : 0.0);
    recreations_feed->update(s.recreations);
  });
}

}  // namespace rcvault::app::detail
