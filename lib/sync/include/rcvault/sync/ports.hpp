#pragma once
// What Message Sync needs of RingCentral and of the store, as two small
// interfaces: the runner plugs in the real client and the accept gateway;
// tests plug in a script and a recorder (tests/unit/sync).

#include "rcvault/accept/gateway.hpp"
#include "rcvault/core/notification.hpp"
#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/sync_state.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

namespace rcvault::sync {

// RingCentral, as the sync engine calls it. Io thread only.
class api_port {
 public:
  virtual ~api_port() = default;
  // As ringcentral::client::get.
  virtual boost::asio::awaitable<ringcentral::api_result<ringcentral::api_response>> get(
      std::string path_and_query, ringcentral::rate_group group, std::string endpoint) = 0;
  // As ringcentral::client::ensure_token: the token's owner_id names the "~" mailbox.
  virtual boost::asio::awaitable<ringcentral::api_result<ringcentral::token_status>> ensure_token() = 0;
};

// The store's side, as accept::gateway offers it for source `api`. Any thread
// may run the callbacks; the engine moves them to its io thread.
class store_port {
 public:
  virtual ~store_port() = default;
  // Queues `n` (moved from only then) and returns true; false (nothing
  // queued, `n` untouched, `done` not called) when the background lane is full.
  virtual bool try_accept(core::notification& n, accept::completion done) = 0;
  // Queues a checkpoint behind the records queued before; false when the lane is full.
  virtual bool try_checkpoint(store::sync_checkpoint cp, std::function<void(bool committed)> done) = 0;
  // Calls `wake` once when the background lane has room.
  virtual void when_room(std::function<void()> wake) = 0;
};

// The real client as an api_port. `c` must outlive it.
class client_api final : public api_port {
 public:
  explicit client_api(ringcentral::client& c) : client_(c) {}
  boost::asio::awaitable<ringcentral::api_result<ringcentral::api_response>> get(
      std::string path_and_query, ringcentral::rate_group group, std::string endpoint) override;
  boost::asio::awaitable<ringcentral::api_result<ringcentral::token_status>> ensure_token() override;

 private:
  ringcentral::client& client_;
};

// The accept gateway as a store_port (source api). `g` must outlive it.
class gateway_store final : public store_port {
 public:
  explicit gateway_store(accept::gateway& g) : gateway_(g) {}
  bool try_accept(core::notification& n, accept::completion done) override;
  bool try_checkpoint(store::sync_checkpoint cp, std::function<void(bool committed)> done) override;
  void when_room(std::function<void()> wake) override;

 private:
  accept::gateway& gateway_;
};

}  // namespace rcvault::sync
