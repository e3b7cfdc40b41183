#pragma once
// RingCentral's error answers as an api_error (docs/sync.md, "Failures"). Three
// layouts are read: {"errors":[{"errorCode","message","parameterName"}]}, the
// legacy one that repeats the first error at the top level, and the OAuth one
// of the token endpoint ({"error","error_description","errors":[...]}).

#include "rcvault/ringcentral/client.hpp"

#include <string_view>

namespace rcvault::ringcentral {

// Returns the error of a non-2xx answer: RingCentral's errorCode, message and
// parameter name when the body has them (errors[0] first, then the top level,
// then OAuth's error / error_description); otherwise code "http_<status>" and
// a message naming the status. The message is cut to 300 bytes. Never throws.
api_error parse_error_body(unsigned http_status, std::string_view body);

}  // namespace rcvault::ringcentral
