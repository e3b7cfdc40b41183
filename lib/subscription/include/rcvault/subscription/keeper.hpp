#pragma once
// The webhook subscription kept alive (docs/deploy.md, section 4a): list RingCentral's
// subscriptions, keep the one at our address or create it (with the
// verification token), recreate it when the token changed, renew it before a
// tenth of its lifetime is left, read its status every check interval,
// recreate it when blacklisted or gone and then ask for a sync of every
// mailbox, mend a filters-only difference with PUT. Failures are reported in
// status() and retried with backoff; nothing here stops the daemon.
//
// Threading: run(), check() and remove() are coroutines on the client's
// io_context (the API thread, rcvault-api); status() is thread-safe.

#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/options.hpp"
#include "rcvault/subscription/info.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::subscription {

struct keeper_options {
  std::string address;                            // subscription.address
  std::optional<std::string> verification_token;  // the effective one, as ingest checks it (secret)
  std::vector<std::string> event_filters;         // empty: default_filters(mailboxes())
  std::chrono::seconds expires_in{2592000};
  std::chrono::seconds check_interval{300};
  store::options store;                           // where the token's hash and the id are kept
  // The ids of the synced mailboxes (for the default filters); may be empty.
  std::function<std::vector<std::string>()> mailboxes;
  // Called after a subscription was created anew (blacklisted or gone, or
  // replaced for a changed verification token): an incremental sync of every
  // mailbox fills the gap.
  std::function<void()> on_recreated;
  std::chrono::milliseconds retry_min{5'000};     // first wait after a failure, doubling
  std::chrono::milliseconds retry_max{300'000};     // its cap (and never past check_interval)
};

// The keeper's state as GET /v1/subscription names it (docs/api.md).
enum class keeper_state { none, active, blacklisted, failed };

// What GET /v1/subscription shows.
struct keeper_status {
  keeper_state state = keeper_state::none;
  std::string address;
  std::optional<info> current;                    // the subscription as last seen
  std::optional<ringcentral::api_error> error;    // the last failure (code, message with a hint)
  std::optional<std::int64_t> last_check_ms;
  std::uint64_t recreations = 0;
};

// "active", "blacklisted", "failed" or "none".
std::string_view to_string(keeper_state s) noexcept;

// GET /v1/subscription's body (docs/api.md); never holds the verification token.
std::string to_json(const keeper_status& s);

// Hex SHA-256 of `token`.
std::string token_hash(std::string_view token);

// What one check did (for `rcvault subscription ensure` and the tests).
enum class outcome { kept, created, recreated, renewed, mended, failed };

class keeper {
 public:
  // Does no I/O.
  explicit keeper(keeper_options opts);
  ~keeper();
  keeper(const keeper&) = delete;
  keeper& operator=(const keeper&) = delete;

  // serve: checks at once, then every check interval (sooner to renew, later
  // after failures) until the coroutine is cancelled. Without a verification
  // token it logs one error line, shows state failed and returns.
  boost::asio::awaitable<void> run(ringcentral::client& client);

  // One check: find ours (by id when known, else in the list by address),
  // then keep, create, recreate, renew or mend it as docs/deploy.md (section 4a) says.
  boost::asio::awaitable<outcome> check(ringcentral::client& client);

  // Reads ours (in the list, by address) into status() without changing
  // anything: state none when there is none, the error when the list failed.
  boost::asio::awaitable<void> look(ringcentral::client& client);

  // Deletes every subscription at our address and forgets the stored record;
  // returns how many were deleted, or the failure.
  boost::asio::awaitable<ringcentral::api_result<unsigned>> remove(ringcentral::client& client);

  // Thread-safe.
  keeper_status status() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::subscription
