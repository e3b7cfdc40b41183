#pragma once
// A counter fed from a running total that another component keeps (its own
// statistics, read at each scrape): Prometheus counters only go up by what is
// added, so each update adds what the total grew by since the last update of
// that label set.

#include "rcvault/metrics/registry.hpp"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string_view>

namespace rcvault::metrics {

class counter_feed {
 public:
  // Feeds `counter`, which must outlive the feed.
  explicit counter_feed(counter_family& counter) : counter_(&counter) {}

  // Adds to the sample with `values` what `total` exceeds the largest total
  // given for it before (all of it the first time); a total that went down
  // adds nothing until it passes that one again. Thread-safe. Throws
  // std::invalid_argument like counter_family::add.
  void update(std::initializer_list<std::string_view> values, std::uint64_t total);
  // The same for the unlabelled sample.
  void update(std::uint64_t total) { update({}, total); }

 private:
  counter_family* counter_;
  std::mutex mutex_;
  std::map<label_values, std::uint64_t> last_;  // the largest total seen per label set
};

}  // namespace rcvault::metrics
