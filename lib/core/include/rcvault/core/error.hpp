#pragma once
// The one error vocabulary of rcvault. Bad input is a value (core::result),
// never an exception; http/ maps each code to a status in one place.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace rcvault::core {

enum class errc {
  invalid_json = 1,        // not JSON, invalid UTF-8, too deep, not an object
  invalid_envelope,        // JSON object without uuid / body
  invalid_record,          // import item that is neither envelope nor message record
  body_too_large,
  unsupported_media_type,
  bad_verification_token,
  unauthorized,            // query API bearer token missing or wrong
  not_found,
  not_archived,            // an attachment whose content is not in the archive (pending, gone, ...)
  not_configured,          // a feature whose configuration is absent (GET /v1/sync without the API)
  not_managed,             // rcvault keeps no webhook subscription (GET /v1/subscription without subscription.address)
  method_not_allowed,
  bad_parameter,           // query parameter unknown or with a bad value
  range_not_satisfiable,   // a Range header outside the content
  unavailable,             // store cannot take writes now (queue full, disk full, I/O)
  config,                  // configuration key or file at fault
  usage,                   // command line at fault
  migration,               // migration edited, missing, or database newer than binary
  content_missing,         // an attachment recorded as stored whose file is missing or of the wrong size
  internal,
};

// Returns the stable snake_case name used as the JSON error "code" ("invalid_json").
std::string_view code_name(errc e) noexcept;

// An error code with a human message that names the thing at fault.
struct error {
  errc code;
  std::string message;
};

// Thrown by result<T>::value() on an error; rarely used (check has_value()).
struct error_exception : std::runtime_error {
  explicit error_exception(error e);
  error err;
};

// Found by ADL from boost::system::result<T, error>::value().
[[noreturn]] void throw_exception_from_error(error const& e, boost::source_location const& loc);

template <class T>
using result = boost::system::result<T, error>;

// Convenience: an error result with a formatted message.
inline error make_error(errc code, std::string message) { return error{code, std::move(message)}; }

}  // namespace rcvault::core
