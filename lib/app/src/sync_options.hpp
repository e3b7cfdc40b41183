#pragma once
// The one mapping from the [ringcentral] and [sync] configuration to the API
// client's and the sync runner's options, shared by serve, `rcvault sync` and
// `rcvault check` so that they all talk to RingCentral the same way.

#include "rcvault/config/config.hpp"
#include "rcvault/ringcentral/client.hpp"
#include "rcvault/sync/runner.hpp"

namespace rcvault::app::detail {

// The client's options: server, credentials, CA bundle and ceilings. Call only
// when cfg.ringcentral.configured() (the credentials are then set).
ringcentral::client_options client_options_of(const config::config& cfg);

// Everything a sync::runner needs: the client's options, the mailboxes and
// schedule of [sync], and the store options of [store].
sync::runner_options runner_options_of(const config::config& cfg);

}  // namespace rcvault::app::detail
