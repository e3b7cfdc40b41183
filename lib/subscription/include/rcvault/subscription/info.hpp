#pragma once
// RingCentral's SubscriptionInfo as rcvault reads it (reference section 7):
// parsed from a create / get / renew / PUT answer or one record of the list.

#include "rcvault/core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::subscription {

struct disabled_filter {
  std::string filter;
  std::string reason;   // "SUB-412"
  std::string message;  // "Extension permission [HUD] is missing"
  friend bool operator==(const disabled_filter&, const disabled_filter&) = default;
};

struct blacklisted_data {
  std::string blacklisted_at;  // as RingCentral writes it
  std::string reason;          // "I/O operation is failed. Details: [Read timed out]"
};

struct info {
  std::string id;
  std::string status;                         // "Active" | "Blacklisted"
  std::string address;                        // deliveryMode.address
  std::string expiration_time;                // as RingCentral writes it ("" when absent)
  std::optional<std::int64_t> expires_at_ms;  // expiration_time parsed (ms since the epoch)
  std::optional<std::int64_t> expires_in;     // the lifetime RingCentral granted, seconds
  std::vector<std::string> event_filters;     // enabled, as echoed (ids for "~")
  std::vector<disabled_filter> disabled_filters;
  std::optional<blacklisted_data> blacklisted;

  // The enabled filters and the disabled ones together (what was asked for).
  std::vector<std::string> all_filters() const;
};

// One SubscriptionInfo; invalid_json / invalid_record naming the field.
core::result<info> parse_info(std::string_view body);

// GET /restapi/v1.0/subscription's records.
core::result<std::vector<info>> parse_list(std::string_view body);

}  // namespace rcvault::subscription
