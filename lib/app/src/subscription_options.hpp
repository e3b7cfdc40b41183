#pragma once
// The one mapping from the [subscription] configuration to the keeper's
// options, shared by serve and `rcvault subscription`.

#include "rcvault/config/config.hpp"
#include "rcvault/subscription/keeper.hpp"

#include <functional>
#include <string>
#include <vector>

namespace rcvault::app::detail {

// The keeper's options: address, the effective verification token, filters,
// lifetime, check interval, the database. `synced` gives the mailboxes the
// runner syncs (for the default filters) when sync.extensions is "~" or
// "all"; a list of ids is used as it is. Call only when cfg.subscription.managed().
subscription::keeper_options keeper_options_of(const config::config& cfg,
                                               std::function<std::vector<std::string>()> synced = {});

}  // namespace rcvault::app::detail
