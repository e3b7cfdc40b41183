#pragma once
// Message Sync for a process (docs/sync.md): the API thread `rcvault-api`
// with its own io_context, the RingCentral client, the sync lease, the
// mailboxes to sync and when. `serve` starts it; `rcvault sync` runs one pass.
//
// Threading: start(), run_once() and the destructor from one owning thread;
// poke(), stop(), status() and metrics() from any thread.

#include "rcvault/accept/gateway.hpp"
#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/options.hpp"
#include "rcvault/sync/mailbox_engine.hpp"
#include "rcvault/sync/options.hpp"
#include "rcvault/sync/status.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::sync {

struct runner_options {
  ringcentral::client_options client;
  options sync;
  store::options store;  // the database: its path and busy timeout (lease, stored state)
};

// What one pass of `rcvault sync` did.
struct pass_result {
  std::vector<mailbox_report> mailboxes;  // in the order synced
  // Set when the pass could not sync at all: "lease" (another process syncs
  // the database; the message names it), the token's refusal (its errorCode),
  // or the failure to list the extensions; otherwise unset.
  std::optional<store::sync_error> error;
  // True when every mailbox ended without error and `error` is unset (exit 0).
  bool ok() const;
};

class runner {
 public:
  // Does no I/O. `gateway` must outlive the runner; the database must be migrated.
  runner(runner_options opts, accept::gateway& gateway);
  // Stops (see stop()).
  ~runner();
  runner(const runner&) = delete;
  runner& operator=(const runner&) = delete;

  // serve: starts the thread rcvault-api, which takes the lease (trying again
  // every interval while another process holds it), resolves the mailboxes
  // ("~" through the token, "all" from the extension list, again every hour),
  // syncs each at once and then at least every sync.interval, sooner when
  // poked, later after failures. Call at most once, and not with run_once().
  void start();

  // rcvault sync: one pass on the calling thread, full when `kind` says so;
  // `only`, when not empty, replaces sync.extensions. Takes the lease for the
  // pass (error "lease" naming the holder when another process holds it) and
  // releases it. `on_progress` is called on the calling thread after each page.
  pass_result run_once(sync_kind kind, const std::vector<std::string>& only = {},
                       const progress_fn& on_progress = {});

  // Asks for an incremental sync of `extension_id` within seconds (a stored
  // message_store_changes notification); pokes within options::poke_delay
  // coalesce. Unknown mailboxes are ignored. Thread-safe, never blocks.
  void poke(std::string_view extension_id);

  // Asks for an incremental sync of every mailbox within seconds (after the
  // webhook subscription was recreated: the gap is filled). Thread-safe.
  void poke_all();

  // The ids of the mailboxes synced now (empty until they are resolved).
  // Thread-safe.
  std::vector<std::string> mailboxes() const;

  // A coroutine that runs on the API thread with the runner's client (the
  // webhook subscription keeper): `task` is called there once the thread
  // runs (at once when it already does); the coroutine is cancelled by stop().
  // `task` is kept until the runner is destroyed. Thread-safe; serve only.
  using api_task = std::function<boost::asio::awaitable<void>(ringcentral::client&)>;
  void spawn(api_task task);

  // Cancels every request and wait at once (SIGTERM), joins the thread,
  // releases the lease. Records already queued still commit. Idempotent;
  // thread-safe (from a signal-handling thread too, while run_once runs).
  void stop();

  // What GET /v1/sync shows. Thread-safe.
  sync_status status() const;
  // Values for /metrics. Thread-safe.
  sync_metrics metrics() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::sync
