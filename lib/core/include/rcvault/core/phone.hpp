#pragma once
// Phone numbers as keys: RingCentral sends E.164, bare digits, and formatted
// numbers; lookups compare digits only.

#include <string>
#include <string_view>
#include <vector>

namespace rcvault::core {

// Returns the digits of `number` in order ("+1 (650) 555-0100" -> "16505550100");
// "" when it has none. Masked digits such as 'X' are dropped.
std::string phone_digits(std::string_view number);

// The digit keys a query for `input` matches: its digits; for a 10-digit
// input also "1" + digits, and for an 11-digit input starting with 1 also the
// 10 digits after it (North American numbers with and without country code).
// Empty when the input has no digits.
std::vector<std::string> phone_query_keys(std::string_view input);

}  // namespace rcvault::core
