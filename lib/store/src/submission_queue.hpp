#pragma once
// The writer's queue: what producers hand the writer thread, in two lanes
// (store::lane). Not thread-safe: the writer guards it with its mutex.

#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/sync_state.hpp"
#include "rcvault/store/writer.hpp"

#include <cstddef>
#include <deque>
#include <functional>
#include <variant>
#include <vector>

namespace rcvault::store::detail {

struct pending_write {
  core::notification n;
  std::function<void(const write_result&)> done;
  core::millis received_at = 0;
};

struct pending_checkpoint {
  sync_checkpoint cp;
  std::function<void(bool committed)> done;
};

struct pending_attachment_result {
  attachment_result r;
  std::function<void(bool committed)> done;
};

using work = std::variant<pending_write, rejected_request, pending_checkpoint, pending_attachment_result>;

class submission_queue {
 public:
  // The webhook lane may fill `queue_max` items with the background lane;
  // the background lane alone at most half of it (at least one, unless
  // `queue_max` is 0: then nothing is taken, as tests of a full queue need).
  explicit submission_queue(std::size_t queue_max) noexcept;

  // Whether an item of `l` fits now.
  bool has_room(lane l) const noexcept;

  // Appends `w` to `l` (the caller checked has_room).
  void push(work w, lane l);

  // Moves at most `most` items into `batch` (cleared first): the webhook
  // lane's first, then at most `background_most` of the background lane's,
  // each in queue order.
  void take(std::vector<work>& batch, std::size_t most, std::size_t background_most);

  bool empty() const noexcept { return webhook_.empty() && background_.empty(); }
  std::size_t size() const noexcept { return webhook_.size() + background_.size(); }
  std::size_t background_size() const noexcept { return background_.size(); }
  std::size_t webhook_size() const noexcept { return webhook_.size(); }

 private:
  std::size_t queue_max_;
  std::size_t background_max_;
  std::deque<work> webhook_;
  std::deque<work> background_;
};

}  // namespace rcvault::store::detail
