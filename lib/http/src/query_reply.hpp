#pragma once
// How the query handlers build their answers: JSON bodies, error bodies with
// the headers their status needs (WWW-Authenticate, Allow), paging objects.

#include "rcvault/core/error.hpp"
#include "rcvault/http/handler.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::http::detail {

// Returns a response to `req` (same version and keep-alive) with this status, body and Content-Type.
response make_response(const request& req, boost::beast::http::status status, std::string body,
                       std::string_view content_type);

// Returns `v` serialized as an application/json response to `req`.
response json_reply(const request& req, const boost::json::value& v,
                    boost::beast::http::status status = boost::beast::http::status::ok);

// Returns error_response(err) shaped for `req`; 401 carries WWW-Authenticate: Bearer, 405 Allow: GET.
response error_reply(const request& req, const core::error& err);

// Returns errc::bad_parameter with "parameter '<param>': <why>".
core::error bad(std::string_view param, std::string_view why);

// Returns errc::not_found with `what` as the message.
core::error not_found(std::string what);

// Returns the paging object of a listing: {"perPage":n[,"nextPageToken":t]}.
boost::json::object paging(std::size_t per_page, std::optional<std::string> next);

}  // namespace rcvault::http::detail
