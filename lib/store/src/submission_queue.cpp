#include "submission_queue.hpp"

#include <algorithm>

namespace rcvault::store::detail {

submission_queue::submission_queue(std::size_t queue_max) noexcept
    : queue_max_(queue_max), background_max_(queue_max == 0 ? 0 : std::max<std::size_t>(queue_max / 2, 1)) {}

bool submission_queue::has_room(lane l) const noexcept {
  if (l == lane::background) return background_.size() < background_max_;
  return size() < queue_max_;
}

void submission_queue::push(work w, lane l) {
  (l == lane::webhook ? webhook_ : background_).push_back(std::move(w));
}

void submission_queue::take(std::vector<work>& batch, std::size_t most) {
  batch.clear();
  for (auto* lane_items : {&webhook_, &background_}) {
    while (!lane_items->empty() && batch.size() < most) {
      batch.push_back(std::move(lane_items->front()));
      lane_items->pop_front();
    }
  }
}

}  // namespace rcvault::store::detail
