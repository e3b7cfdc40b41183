#include "rcvault/http/error_response.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::http {

unsigned status_of(core::errc code) noexcept {
  switch (code) {
    case core::errc::invalid_json:
    case core::errc::invalid_envelope:
    case core::errc::invalid_record:
    case core::errc::bad_parameter:
    case core::errc::usage:
    case core::errc::config:
      return 400;
    case core::errc::bad_verification_token:
    case core::errc::unauthorized:
      return 401;
    case core::errc::not_found:
    case core::errc::not_archived:
    case core::errc::not_configured:
    case core::errc::not_managed:
      return 404;
    case core::errc::method_not_allowed:
      return 405;
    case core::errc::body_too_large:
      return 413;
    case core::errc::unsupported_media_type:
      return 415;
    case core::errc::range_not_satisfiable:
      return 416;
    case core::errc::unavailable:
      return 503;
    case core::errc::migration:
    case core::errc::content_missing:
    case core::errc::internal:
      return 500;
  }
  return 500;
}

response json_response(unsigned status, std::string body) {
  response res{static_cast<boost::beast::http::status>(status), 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response error_response(const core::error& e) {
  boost::json::object inner;
  inner["code"] = core::code_name(e.code);
  inner["message"] = e.message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  auto res = json_response(status_of(e.code), boost::json::serialize(outer));
  // Unavailability is transient (queue full, disk full): tell senders when to retry.
  if (e.code == core::errc::unavailable) res.set(boost::beast::http::field::retry_after, "5");
  return res;
}

}  // namespace rcvault::http
