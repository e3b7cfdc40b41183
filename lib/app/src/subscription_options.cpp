#include "subscription_options.hpp"

#include "store_options.hpp"

namespace rcvault::app::detail {

subscription::keeper_options keeper_options_of(const config::config& cfg,
                                               std::function<std::vector<std::string>()> synced) {
  const auto& s = cfg.subscription;
  subscription::keeper_options o;
  o.address = s.address.value_or("");
  o.verification_token = cfg.ingest.verification_token;
  o.event_filters = s.event_filters;
  o.expires_in = s.expires_in;
  o.check_interval = s.check_interval;
  o.store = store_options(cfg);
  const auto& ext = cfg.sync.extensions;
  const bool ids = !ext.empty() && ext.front() != "~" && ext.front() != "all";
  if (ids) o.mailboxes = [ext] { return ext; };
  else o.mailboxes = std::move(synced);
  return o;
}

}  // namespace rcvault::app::detail
