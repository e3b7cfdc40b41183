#include "rcvault/http/metrics.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

namespace rcvault::http {

namespace {

// Label values may hold any text; the exposition format escapes \ " and newline.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_double(double v) { return fmt::format("{}", v); }

}  // namespace

void metrics::count_request(std::string_view route, unsigned status) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(std::string(route), status);
  ++requests_[key];
}

void metrics::count_notification(std::string_view outcome) {
  std::lock_guard lock(mutex_);
  auto it = notifications_.find(outcome);
  if (it == notifications_.end()) it = notifications_.emplace(std::string(outcome), 0).first;
  ++it->second;
}

void metrics::observe_ack_seconds(double seconds) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < ack_buckets.size(); ++i) {
    if (seconds <= ack_buckets[i]) {
      ++ack_counts_[i];
      break;
    }
  }
  ++ack_count_;
  ack_sum_ += seconds;
}

void metrics::set_last_notification(core::millis t) { last_notification_.store(t, std::memory_order_relaxed); }

std::string metrics::render(const metrics_gauges& gauges) const {
  std::string out;
  auto it = std::back_inserter(out);
  {
    std::lock_guard lock(mutex_);
    fmt::format_to(it, "# HELP rcvault_http_requests_total HTTP requests answered, by route and status.\n"
                       "# TYPE rcvault_http_requests_total counter\n");
    for (const auto& [key, n] : requests_)
      fmt::format_to(it, "rcvault_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", escape_label(key.first),
                     key.second, n);

    fmt::format_to(it, "# HELP rcvault_notifications_total Notifications received, by outcome.\n"
                       "# TYPE rcvault_notifications_total counter\n");
    for (const auto& [outcome, n] : notifications_)
      fmt::format_to(it, "rcvault_notifications_total{{outcome=\"{}\"}} {}\n", escape_label(outcome), n);

    fmt::format_to(it, "# HELP rcvault_ack_seconds Time from receiving a notification to answering it.\n"
                       "# TYPE rcvault_ack_seconds histogram\n");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < ack_buckets.size(); ++i) {
      cumulative += ack_counts_[i];
      fmt::format_to(it, "rcvault_ack_seconds_bucket{{le=\"{}\"}} {}\n", format_double(ack_buckets[i]), cumulative);
    }
    fmt::format_to(it, "rcvault_ack_seconds_bucket{{le=\"+Inf\"}} {}\n", ack_count_);
    fmt::format_to(it, "rcvault_ack_seconds_sum {}\nrcvault_ack_seconds_count {}\n", format_double(ack_sum_),
                   ack_count_);
  }

  const auto last = last_notification_.load(std::memory_order_relaxed);
  fmt::format_to(it, "# HELP rcvault_last_notification_timestamp_seconds When the latest notification was "
                     "accepted (Unix time; 0 before the first).\n"
                     "# TYPE rcvault_last_notification_timestamp_seconds gauge\n"
                     "rcvault_last_notification_timestamp_seconds {}\n",
                 format_double(static_cast<double>(last) / 1000.0));

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
  return out;
}

}  // namespace rcvault::http
