#pragma once
// `rcvault check` with the API configured (docs/sync.md, "Check the app"):
// proves the credentials and the app's permissions against RingCentral.

#include "rcvault/config/config.hpp"

namespace rcvault::app::detail {

// Gets a token, reads the user's own extension and its subscriptions, and
// prints one line per permission the archive needs (ReadMessages,
// ReadAccounts when sync.extensions is "all", SubscriptionWebhook,
// ReadMessageContent) to stdout. Returns 0 when every needed permission is
// there, 1 (after one error line) when one is missing or RingCentral could
// not be asked. Call only when cfg.ringcentral.configured().
int check_api(const config::config& cfg);

}  // namespace rcvault::app::detail
