#pragma once
// The webhook subscription rcvault keeps (docs/deploy.md, section 4a): which RingCentral
// subscription serves an address and a hash of the verification token it was
// created with. Written on its own connection (not through the writer) by the
// keeper and `rcvault subscription`; small and rare.

#include "rcvault/core/message.hpp"
#include "rcvault/store/options.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace rcvault::store {

struct subscription_record {
  std::string address;          // subscription.address
  std::string subscription_id;  // RingCentral's id
  std::string token_sha256;     // hex SHA-256 of the verification token subscribed with
  core::millis created_at = 0;  // ms since the epoch
};

// The record of `address`, or nullopt. The database must be migrated.
// Throws SQLite::Exception when it cannot be read.
std::optional<subscription_record> read_subscription(const options& opts, std::string_view address);

// Stores `r` (replacing the record of its address). Throws as above.
void write_subscription(const options& opts, const subscription_record& r);

// Forgets the record of `address` (none is fine). Throws as above.
void forget_subscription(const options& opts, std::string_view address);

}  // namespace rcvault::store
