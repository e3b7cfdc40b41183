#include "rcvault/core/error.hpp"

namespace rcvault::core {

std::string_view code_name(errc e) noexcept {
  switch (e) {
    case errc::invalid_json: return "invalid_json";
    case errc::invalid_envelope: return "invalid_envelope";
    case errc::invalid_record: return "invalid_record";
    case errc::body_too_large: return "body_too_large";
    case errc::unsupported_media_type: return "unsupported_media_type";
    case errc::bad_verification_token: return "bad_verification_token";
    case errc::unauthorized: return "unauthorized";
    case errc::not_found: return "not_found";
    case errc::not_archived: return "not_archived";
    case errc::not_configured: return "not_configured";
    case errc::not_managed: return "not_managed";
    case errc::method_not_allowed: return "method_not_allowed";
    case errc::bad_parameter: return "bad_parameter";
    case errc::range_not_satisfiable: return "range_not_satisfiable";
    case errc::unavailable: return "unavailable";
    case errc::config: return "config";
    case errc::usage: return "usage";
    case errc::migration: return "migration";
    case errc::content_missing: return "content_missing";
    case errc::internal: return "internal";
  }
  return "internal";
}

error_exception::error_exception(error e) : std::runtime_error(e.message), err(std::move(e)) {}

void throw_exception_from_error(error const& e, boost::source_location const&) { throw error_exception(e); }

}  // namespace rcvault::core
