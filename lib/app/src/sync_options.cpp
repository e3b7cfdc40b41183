#include "sync_options.hpp"

#include "store_options.hpp"

namespace rcvault::app::detail {

ringcentral::client_options client_options_of(const config::config& cfg) {
  const auto& rc = cfg.ringcentral;
  ringcentral::client_options o;
  o.server = rc.server;
  o.client_id = rc.client_id.value_or("");
  o.client_secret = rc.client_secret.value_or("");
  o.jwt = rc.jwt.value_or("");
  o.ca_file = rc.ca_file;
  o.light_per_minute = rc.light_per_minute;
  o.medium_per_minute = rc.medium_per_minute;
  return o;
}

sync::runner_options runner_options_of(const config::config& cfg) {
  sync::runner_options o;
  o.client = client_options_of(cfg);
  o.store = store_options(cfg);
  const auto& s = cfg.sync;
  if (s.all_extensions()) {
    o.sync.selection = sync::mailbox_selection::all;
  } else if (s.extensions.size() == 1 && s.extensions.front() == "~") {
    o.sync.selection = sync::mailbox_selection::own;
  } else {
    o.sync.selection = sync::mailbox_selection::list;
    o.sync.extensions = s.extensions;
  }
  o.sync.interval = s.interval;
  o.sync.since = s.since.time_since_epoch().count();
  // With retention.days a full sync asks RingCentral for nothing the writer would remove again.
  if (cfg.retention.days) o.sync.retention_days = static_cast<unsigned>(*cfg.retention.days);
  return o;
}

}  // namespace rcvault::app::detail
