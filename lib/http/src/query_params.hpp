#pragma once
// Query-string parsing and the opaque page token, shared by the query handlers.

#include "rcvault/core/error.hpp"

#include <cstdint>
#include <optional>
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

// An opaque keyset cursor: a kind letter (d/a: message order, c: conversations,
// r: rejected) and a position (a message's sort key, a dead letter's row id),
// base64url-encoded.
std::string encode_page_token(char kind, std::int64_t row);

// The position in a token made by encode_page_token with this `kind`; nullopt otherwise.
std::optional<std::int64_t> decode_page_token(std::string_view token, char kind);

}  // namespace rcvault::http::detail
