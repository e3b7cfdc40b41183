#pragma once
// Message Sync of one mailbox (docs/sync.md): a full sync (FSync, walking
// back page by page) the first time or when RingCentral refuses the token,
// else an incremental sync (ISync) with the stored token. Records go to the
// store through a store_port; each page's checkpoint follows its records, and
// the next page's records wait until it committed, so a failed batch never
// lets a later token skip records.

#include "rcvault/store/sync_state.hpp"
#include "rcvault/sync/options.hpp"
#include "rcvault/sync/ports.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rcvault::sync {

// How far one mailbox's pass is (for a terminal).
struct progress {
  std::string extension_id;
  bool full = false;
  std::uint64_t pages = 0;
  std::uint64_t records = 0;  // records handed to the store so far
  std::uint64_t stored = 0;   // ...of which the store answered stored (committed)
};
using progress_fn = std::function<void(const progress&)>;

// What one pass over one mailbox did.
struct mailbox_report {
  std::string extension_id;
  bool full = false;                 // a full sync ran (first time, asked, or the token was refused)
  std::uint64_t pages = 0;
  std::uint64_t records = 0;         // records the store took (duplicates of the overlap not counted)
  std::uint64_t created = 0;         // ...that created a message
  std::uint64_t updated = 0;         // ...that changed one (applied to an existing message)
  std::chrono::milliseconds elapsed{0};
  store::mailbox_state state = store::mailbox_state::idle;  // afterwards
  std::optional<store::sync_error> error;                   // when it failed
  bool cancelled = false;            // stopped (SIGTERM): nothing more was written
};

enum class sync_kind {
  automatic,  // ISync when a token is held, else FSync (or resume the walk-back)
  full,       // a new FSync whatever is stored (rcvault sync --full)
};

class mailbox_engine {
 public:
  // `api` and `store` must outlive the engine and every pass; `ex` is the io
  // thread's executor, on which passes run and store callbacks are moved.
  mailbox_engine(api_port& api, store_port& store, options opts, boost::asio::any_io_executor ex);
  // Stops moving store callbacks to the io thread (they may still arrive
  // from the writer); call before the io_context goes away.
  ~mailbox_engine();
  mailbox_engine(const mailbox_engine&) = delete;
  mailbox_engine& operator=(const mailbox_engine&) = delete;

  // Runs one pass of `state.extension_id`'s mailbox; `state` is its last
  // committed checkpoint (default-constructed with the id for a new mailbox)
  // and holds, afterwards, the last one submitted. Never throws but on
  // cancellation of the coroutine (operation_aborted) and bad_alloc; failures
  // are in the report and in the checkpoint (state forbidden / gone / backoff / failed).
  boost::asio::awaitable<mailbox_report> run(store::sync_checkpoint& state, sync_kind kind,
                                             const progress_fn& on_progress = {});

  // The dateFrom of a new full sync: options::since, or the retention limit when later.
  core::millis full_sync_from() const;

 private:
  struct pass;
  api_port& api_;
  store_port& store_;
  options opts_;
  boost::asio::any_io_executor ex_;
  struct relay;
  std::shared_ptr<relay> relay_;
};

}  // namespace rcvault::sync
