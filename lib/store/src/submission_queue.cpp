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

void submission_queue::take(std::vector<work>& batch, std::size_t most, std::size_t background_most) {
  batch.clear();
  while (!webhook_.empty() && batch.size() < most) {
    batch.push_back(std::move(webhook_.front()));
    webhook_.pop_front();
  }
  for (std::size_t taken = 0; !background_.empty() && batch.size() < most && taken < background_most; ++taken) {
    batch.push_back(std::move(background_.front()));
    background_.pop_front();
  }
}

}  // namespace rcvault::store::detail
