#pragma once
// Process metrics for GET /metrics: counters and a histogram updated by the
// listeners, rendered in the Prometheus text exposition format (version 0.0.4).
// Every metric name starts with rcvault_.

#include "rcvault/core/message.hpp"
#include "rcvault/store/writer.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rcvault::http {

// Values sampled at render time from the parts that own them.
struct metrics_gauges {
  std::optional<store::writer_stats> writer;    // batches, queue depth, last batch size
  std::optional<std::uint64_t> database_bytes;  // main file + WAL
};

class metrics {
 public:
  // Upper bounds (seconds) of the ack-latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 12> ack_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

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

  // Returns the exposition text of every metric, with the sampled `gauges`. Thread-safe.
  std::string render(const metrics_gauges& gauges = {}) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t, std::less<>> requests_;
  std::map<std::string, std::uint64_t, std::less<>> notifications_;
  std::array<std::uint64_t, ack_buckets.size()> ack_counts_{};  // per bucket, not cumulative
  std::uint64_t ack_count_ = 0;
  double ack_sum_ = 0;
  std::atomic<core::millis> last_notification_{0};
};

}  // namespace rcvault::http
