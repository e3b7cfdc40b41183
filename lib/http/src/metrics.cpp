#include "rcvault/http/metrics.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

namespace rcvault::http {

namespace {

std::string format_double(double v) { return fmt::format("{}", v); }

}  // namespace

metrics::metrics()
    : requests_(registry_.counter("rcvault_http_requests_total", "HTTP requests answered, by route and status.",
                                  {"route", "status"})),
      notifications_(registry_.counter("rcvault_notifications_total", "Notifications received, by outcome.",
                                       {"outcome"})),
      ack_seconds_(registry_.histogram("rcvault_ack_seconds",
                                       "Time from receiving a notification to answering it.",
                                       {ack_buckets.begin(), ack_buckets.end()})),
      last_notification_(registry_.gauge("rcvault_last_notification_timestamp_seconds",
                                         "When the latest notification was accepted (Unix time; 0 before the first).")) {}

void metrics::count_request(std::string_view route, unsigned status) {
  requests_.add({route, std::to_string(status)});
}

void metrics::count_notification(std::string_view outcome) { notifications_.add({outcome}); }

void metrics::observe_ack_seconds(double seconds) { ack_seconds_.observe(seconds); }

void metrics::set_last_notification(core::millis t) { last_notification_.set(static_cast<double>(t) / 1000.0); }

std::string metrics::render(const metrics_gauges& gauges) const {
  std::string out = registry_.render();
  auto it = std::back_inserter(out);
  if (gauges.writer) {
    const auto& w = *gauges.writer;
    fmt::format_to(it, "# HELP rcvault_writer_batches_total Group commits done by the writer.\n"
                       "# TYPE rcvault_writer_batches_total counter\n"
                       "rcvault_writer_batches_total {}\n", w.batches);
    fmt::format_to(it, "# HELP rcvault_writer_notifications_total Notifications written by the writer.\n"
                       "# TYPE rcvault_writer_notifications_total counter\n"
                       "rcvault_writer_notifications_total {}\n", w.notifications);
    fmt::format_to(it, "# HELP rcvault_writer_last_batch_size Notifications in the latest group commit.\n"
                       "# TYPE rcvault_writer_last_batch_size gauge\n"
                       "rcvault_writer_last_batch_size {}\n", w.last_batch_size);
    fmt::format_to(it, "# HELP rcvault_writer_queue_depth Notifications waiting for the writer.\n"
                       "# TYPE rcvault_writer_queue_depth gauge\n"
                       "rcvault_writer_queue_depth {}\n", w.queue_depth);
    const auto seconds = [](std::chrono::nanoseconds d) { return format_double(std::chrono::duration<double>(d).count()); };
    fmt::format_to(it, "# HELP rcvault_writer_commit_seconds_total Time the writer spent applying and committing batches.\n"
                       "# TYPE rcvault_writer_commit_seconds_total counter\n"
                       "rcvault_writer_commit_seconds_total {}\n", seconds(w.commit_time));
    fmt::format_to(it, "# HELP rcvault_writer_wal_syncs_total fdatasyncs of the WAL before acknowledging (synchronous=full).\n"
                       "# TYPE rcvault_writer_wal_syncs_total counter\n"
                       "rcvault_writer_wal_syncs_total {}\n", w.wal_syncs);
    fmt::format_to(it, "# HELP rcvault_writer_wal_sync_seconds_total Time spent in those fdatasyncs.\n"
                       "# TYPE rcvault_writer_wal_sync_seconds_total counter\n"
                       "rcvault_writer_wal_sync_seconds_total {}\n", seconds(w.wal_sync_time));
    fmt::format_to(it, "# HELP rcvault_writer_wal_sync_failed 1 once an fdatasync of the WAL failed: nothing is "
                       "acknowledged until restart.\n"
                       "# TYPE rcvault_writer_wal_sync_failed gauge\n"
                       "rcvault_writer_wal_sync_failed {}\n", w.wal_sync_failed ? 1 : 0);
    fmt::format_to(it, "# HELP rcvault_writer_checkpoint_waits_total Times the writer waited for the checkpoint to "
                       "start the WAL over.\n"
                       "# TYPE rcvault_writer_checkpoint_waits_total counter\n"
                       "rcvault_writer_checkpoint_waits_total {}\n", w.checkpoint_waits);
    fmt::format_to(it, "# HELP rcvault_writer_checkpoint_wait_seconds_total Time of those waits.\n"
                       "# TYPE rcvault_writer_checkpoint_wait_seconds_total counter\n"
                       "rcvault_writer_checkpoint_wait_seconds_total {}\n", seconds(w.checkpoint_wait_time));
  }
  if (gauges.database_bytes) {
    fmt::format_to(it, "# HELP rcvault_database_bytes Size of the database file and its WAL.\n"
                       "# TYPE rcvault_database_bytes gauge\n"
                       "rcvault_database_bytes {}\n", *gauges.database_bytes);
  }
  if (gauges.counters) {
    const auto& c = *gauges.counters;
    const auto value = [&c](const std::string& name) {
      const auto found = c.find(name);
      return found == c.end() ? std::int64_t{0} : found->second;
    };
    // Every state, 0 included, so a dashboard's series exist from the start.
    fmt::format_to(it, "# HELP rcvault_attachments Attachments by the archive state of their content.\n"
                       "# TYPE rcvault_attachments gauge\n");
    for (const auto state : store::all_archive_states) {
      const std::string name(store::to_string(state));
      fmt::format_to(it, "rcvault_attachments{{state=\"{}\"}} {}\n", name, value("attachments." + name));
    }
    fmt::format_to(it, "# HELP rcvault_attachment_bytes_total Bytes of attachment content archived, summed "
                       "over stored attachments (content kept once on disk counts for each).\n"
                       "# TYPE rcvault_attachment_bytes_total counter\n"
                       "rcvault_attachment_bytes_total {}\n", value("attachments.bytes"));
  }
  return out;
}

}  // namespace rcvault::http
