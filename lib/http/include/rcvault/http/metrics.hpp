#pragma once
// Process metrics for GET /metrics, in the Prometheus text exposition format
// (version 0.0.4); every metric name starts with rcvault_ (docs/api.md).

#include "rcvault/core/message.hpp"
#include "rcvault/metrics/registry.hpp"
#include "rcvault/store/writer.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::http {

// Values sampled at render time from the parts that own them.
struct metrics_gauges {
  std::optional<store::writer_stats> writer;    // batches, queue depth, last batch size
  std::optional<std::uint64_t> database_bytes;  // main file + WAL
  // The counters table (name -> value): attachments.<state> and
  // attachments.bytes become rcvault_attachments{state} and
  // rcvault_attachment_bytes_total (docs/attachments.md).
  std::optional<std::map<std::string, std::int64_t>> counters;
};

// The listeners' metrics (requests, notifications, the ack histogram, the
// latest notification) in a metrics::registry that other modules add their
// own families to (through registry()); render() is what GET /metrics serves.
class metrics {
 public:
  // Upper bounds (seconds) of the ack-latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 12> ack_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

  // Registers the listeners' families in a registry of its own.
  metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  // The registry GET /metrics renders: sync, the API client and the attachment
  // fetcher register their families here (see rcvault/metrics/registry.hpp).
  ::rcvault::metrics::registry& registry() noexcept { return registry_; }

  // Counts one answered HTTP request by its route name ("/v1/messages",
  // "webhook", "unknown") and status code. Thread-safe.
  void count_request(std::string_view route, unsigned status);

  // Counts one ingest outcome ("stored", "duplicate", "applied", "stale",
  // "unnormalised", "rejected", "unauthorized", "unavailable", ...). Thread-safe.
  void count_notification(std::string_view outcome);

  // Records the seconds from receiving a notification to answering it. Thread-safe.
  void observe_ack_seconds(double seconds);

  // Records when the latest notification was accepted (ms since the epoch). Thread-safe.
  void set_last_notification(core::millis t);

  // Returns the exposition text of every registered family, then the sampled
  // `gauges` (writer, database, attachments). Thread-safe.
  std::string render(const metrics_gauges& gauges = {}) const;

 private:
  ::rcvault::metrics::registry registry_;
  ::rcvault::metrics::counter_family& requests_;
  ::rcvault::metrics::counter_family& notifications_;
  ::rcvault::metrics::histogram_family& ack_seconds_;
  ::rcvault::metrics::gauge_family& last_notification_;
};

}  // namespace rcvault::http
