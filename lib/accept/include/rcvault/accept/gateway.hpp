#pragma once
// The one way in (docs/ingest.md): the webhook, `import` and Message Sync hand
// parsed items to the gateway, which turns a parse failure into a dead letter
// or submits to the writer, and reports one outcome. One rule for dedup,
// version order and dead letters, whatever the source.
//
// Backpressure: the webhook never waits (a full queue is `unavailable`, the
// handler answers 503); every other source fills at most half of
// store.queue_max and waits for room (try_accept + when_room, or the blocking
// accept_waiting). The writer takes webhook items first.

#include "rcvault/core/error.hpp"
#include "rcvault/core/notification.hpp"
#include "rcvault/store/sync_state.hpp"
#include "rcvault/store/writer.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::accept {

enum class source { webhook, import, api };

// Returns "webhook", "import" or "api".
std::string_view to_string(source s) noexcept;

// What became of one item.
struct outcome {
  enum class status {
    stored,       // committed (and fdatasync'ed with synchronous=full); `applied` says how
    duplicate,    // its uuid was already stored: nothing changed
    refused,      // not parseable: kept as a dead letter (webhook) or reported (import, api)
    unavailable,  // queue full (webhook only), writer stopped, or the commit failed: nothing stored
  };
  status state = status::unavailable;
  core::outcome applied = core::outcome::applied;  // when stored
  bool message_created = false;                    // when stored: the item created its message
  std::optional<core::error> refusal;              // when refused
  std::string uuid;                                // when parsed
};

// What observers learn of a stored item (no message text, no raw bytes).
struct stored_item {
  core::event_kind kind = core::event_kind::other;
  source from = source::webhook;
  std::string mailbox;  // the extension the event is about ("" when unknown): ingest::mailbox_of
};

// Runs exactly once per accepted item, on any thread (the writer's, or the caller's when answered at once).
using completion = std::function<void(const outcome&)>;

class gateway {
 public:
  // `w` must outlive the gateway. Thread-safe.
  explicit gateway(store::writer& w);

  // Webhook: never waits. A parse error is kept as a dead letter (first bytes
  // of `raw`) and answered refused at once; otherwise submitted in the webhook
  // lane (unavailable at once when the queue is full).
  void accept_now(core::result<core::notification> parsed, std::string_view raw, completion done);

  // Other sources: returns false, and neither queues nor calls `done`, when
  // the background lane (half of store.queue_max) is full; call when_room()
  // and try again. A parse error is answered refused at once (not a dead
  // letter: the source reports it) and returns true.
  // `parsed` is moved from only when the call returns true.
  bool try_accept(core::result<core::notification>&& parsed, source src, completion done);

  // Queues a sync checkpoint behind everything this thread queued before, in
  // the background lane; false when it is full (as try_accept). `done` gets
  // true once committed, false when the batch failed or the writer stopped.
  bool try_checkpoint(store::sync_checkpoint cp, std::function<void(bool committed)> done);

  // Calls `wake` once, on any thread, as soon as the background lane has room
  // (at once when it has now).
  void when_room(std::function<void()> wake);

  // For a plain thread (import): try_accept, blocking until there is room.
  // Blocks the calling thread (never an io thread) until the item is queued.
  void accept_waiting(core::result<core::notification> parsed, source src, completion done);

  // Called after an item from any source is committed as stored (not
  // duplicate), on the writer's threads: e.g. to poke Message Sync when a
  // message_store_changes notification arrived. Set before the first accept.
  using stored_observer = std::function<void(const stored_item&)>;
  void observe_stored(stored_observer observer);

 private:
  store::writer& writer_;
  stored_observer observer_;
};

}  // namespace rcvault::accept
