#pragma once
// Query-string parsing, the checks every listing applies to its parameters,
// and the opaque page token, shared by the query handlers.

#include "rcvault/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rcvault::http::detail {

using query_params = std::vector<std::pair<std::string, std::string>>;

// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space). errc::bad_parameter
// for a malformed escape or a parameter given twice.
core::result<query_params> parse_query_string(std::string_view qs);

// Returns `s` percent-decoded, or nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// The value of parameter `name`, or nullopt when it was not given.
std::optional<std::string_view> param(const query_params& ps, std::string_view name);

// True when `a` and `b` are equal ignoring ASCII letter case.
bool iequals(std::string_view a, std::string_view b);

// The canonical spelling of parameter `name` among `allowed` (any letter case
// accepted), nullopt when absent; errc::bad_parameter listing them otherwise.
core::result<std::optional<std::string>> enum_param(const query_params& ps, std::string_view name,
                                                    std::initializer_list<std::string_view> allowed);

// perPage: 100 when absent; errc::bad_parameter unless an integer from 1 to 1000.
core::result<std::size_t> per_page(const query_params& ps);

// errc::bad_parameter naming the first parameter not in `known`; nullopt when all are.
std::optional<core::error> check_known(const query_params& ps, std::span<const std::string_view> known);

// An opaque keyset cursor: a kind letter (d/a: message order, c: conversations,
// r: rejected) and a position (a message's sort key, a dead letter's row id),
// base64url-encoded.
std::string encode_page_token(char kind, std::int64_t row);

// The position in a token made by encode_page_token with this `kind`; nullopt otherwise.
std::optional<std::int64_t> decode_page_token(std::string_view token, char kind);

}  // namespace rcvault::http::detail
