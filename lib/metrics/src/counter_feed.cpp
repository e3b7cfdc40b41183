#include "rcvault/metrics/counter_feed.hpp"

namespace rcvault::metrics {

void counter_feed::update(std::initializer_list<std::string_view> values, std::uint64_t total) {
  std::lock_guard lock(mutex_);
  auto& last = last_[label_values(values.begin(), values.end())];
  if (total <= last) return;
  counter_->add(values, total - last);
  last = total;
}

}  // namespace rcvault::metrics
