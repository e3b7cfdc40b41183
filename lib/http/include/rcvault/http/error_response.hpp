#pragma once
// The one mapping from rcvault's error vocabulary to HTTP: a status per
// core::errc and the small JSON error body {"error":{"code","message"}}.

#include "rcvault/core/error.hpp"
#include "rcvault/http/handler.hpp"

#include <string>

namespace rcvault::http {

// Returns the HTTP status code that answers `code` (e.g. invalid_json -> 400).
unsigned status_of(core::errc code) noexcept;

// Returns a response with status_of(e.code), Content-Type application/json and
// the body {"error":{"code":"<code_name>","message":"<message>"}}.
response error_response(const core::error& e);

// Returns a response with `status`, Content-Type application/json and `body`.
response json_response(unsigned status, std::string body);

}  // namespace rcvault::http
