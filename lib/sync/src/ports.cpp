#include "rcvault/sync/ports.hpp"

namespace rcvault::sync {
namespace asio = boost::asio;

asio::awaitable<ringcentral::api_result<ringcentral::api_response>> client_api::get(std::string path_and_query,
                                                                                   ringcentral::rate_group group,
                                                                                   std::string endpoint) {
  co_return co_await client_.get(std::move(path_and_query), group, std::move(endpoint));
}

asio::awaitable<ringcentral::api_result<ringcentral::token_status>> client_api::ensure_token() {
  co_return co_await client_.ensure_token();
}

bool gateway_store::try_accept(core::notification& n, accept::completion done) {
  // The gateway takes its argument by value and keeps nothing when its lane
  // is full, so it gets a copy: `n` must survive a refusal to be offered again.
  return gateway_.try_accept(core::result<core::notification>(n), accept::source::api, std::move(done));
}

bool gateway_store::try_checkpoint(store::sync_checkpoint cp, std::function<void(bool committed)> done) {
  return gateway_.try_checkpoint(std::move(cp), std::move(done));
}

void gateway_store::when_room(std::function<void()> wake) { gateway_.when_room(std::move(wake)); }

}  // namespace rcvault::sync
