#include "store_options.hpp"

namespace rcvault::app::detail {

store::options store_options(const config::config& cfg) {
  store::options o;
  o.path = cfg.store.path;
  o.sync = cfg.store.synchronous == config::synchronous_mode::full ? store::synchronous::full
                                                                   : store::synchronous::normal;
  o.batch_max = cfg.store.batch_max;
  o.queue_max = cfg.store.queue_max;
  o.retention_days = cfg.retention.days;
  o.attachments_dir = cfg.attachments_dir();
  return o;
}

}  // namespace rcvault::app::detail
