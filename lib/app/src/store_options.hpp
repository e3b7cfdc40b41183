#pragma once
// The one mapping from configuration to store options, shared by serve and
// the admin subcommands so they always open the database the same way.

#include "rcvault/config/config.hpp"
#include "rcvault/store/options.hpp"

namespace rcvault::app::detail {

// Returns the store options the [store] section asks for (path, synchronous, batch and queue limits).
store::options store_options(const config::config& cfg);

}  // namespace rcvault::app::detail
