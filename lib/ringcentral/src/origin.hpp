#pragma once
// URLs of the API client: the origin a connection is made to, the request
// target, and the encodings the token endpoint needs.

#include "rcvault/ringcentral/client.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rcvault::ringcentral {

// Where a connection goes: one per scheme, host and port.
struct origin {
  bool tls = true;
  std::string host;   // a name or an address, without IPv6 brackets
  std::uint16_t port = 443;

  // "https://host:port": the key of the connection pool.
  std::string key() const;
  // The Host header: the port only when it is not the scheme's default.
  std::string host_header() const;
  bool operator==(const origin&) const = default;
};

// An absolute URL split into its origin and target ("/path?query"). Only
// http and https; code "invalid_url" otherwise.
struct split_url {
  origin where;
  std::string target;
};
api_result<split_url> parse_url(std::string_view url);

// Resolves `location` (absolute or relative) against `base`; code "invalid_url" on failure.
api_result<std::string> resolve_url(std::string_view base, std::string_view location);

// application/x-www-form-urlencoded from name/value pairs.
std::string form_encode(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

// Standard base64 with padding.
std::string base64(std::string_view bytes);

// True when `host` ends with `suffix` at a label boundary ("a.ringcentral.com"
// and "ringcentral.com" match ".ringcentral.com"'s "ringcentral.com").
bool host_within(std::string_view host, std::string_view domain) noexcept;

}  // namespace rcvault::ringcentral
