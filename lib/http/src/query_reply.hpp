#pragma once
// How the query handlers build their answers: JSON bodies, error bodies with
// the headers their status needs (WWW-Authenticate, Allow), and the keyset
// pages every listing shares (perPage and pageToken in, one row more asked
// of the reader, cut, the next token out).

#include "rcvault/core/error.hpp"
#include "rcvault/http/handler.hpp"

#include "query_params.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// The page a listing is asked for.
struct page_request {
  std::size_t per_page = 0;
  std::optional<std::int64_t> after;  // the position in pageToken; nullopt for the first page
};

// Reads perPage (see per_page) and a pageToken of `kind` (see
// decode_page_token); errc::bad_parameter naming the parameter, with
// `token_why` as the reason for a token that is not of this listing.
core::result<page_request> read_page(const query_params& ps, char kind,
                                     std::string_view token_why = "not a token from this listing");

// Returns a listing's page as the answer to `req`: `rows`, read with a limit
// of per_page + 1, cut to per_page (in place), as {"records":[to_json(row), ...],
// "paging":paging(per_page, next)}, where next is a token of `kind` at
// key(last row kept) when there were more rows, and absent on the last page.
template <class Row, class Key, class ToJson>
response page_reply(const request& req, std::vector<Row>& rows, std::size_t per_page, char kind, Key key,
                    ToJson to_json) {
  std::optional<std::string> next;
  if (rows.size() > per_page) {
    rows.resize(per_page);
    next = encode_page_token(kind, key(rows.back()));
  }
  boost::json::array records;
  records.reserve(rows.size());
  for (const auto& r : rows) records.push_back(to_json(r));
  return json_reply(req,
                    boost::json::object{{"records", std::move(records)}, {"paging", paging(per_page, std::move(next))}});
}

}  // namespace rcvault::http::detail
