#include "query_reply.hpp"

#include "rcvault/http/error_response.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::http::detail {

namespace bhttp = boost::beast::http;

response make_response(const request& req, bhttp::status status, std::string body, std::string_view content_type) {
  response res{status, req.version()};
  res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response json_reply(const request& req, const boost::json::value& v, bhttp::status status) {
  return make_response(req, status, boost::json::serialize(v), "application/json; charset=utf-8");
}

response error_reply(const request& req, const core::error& err) {
  auto res = error_response(err);
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  if (err.code == core::errc::unauthorized) res.set(bhttp::field::www_authenticate, "Bearer");
  if (err.code == core::errc::method_not_allowed) res.set(bhttp::field::allow, "GET");
  res.prepare_payload();
  return res;
}

core::error bad(std::string_view param, std::string_view why) {
  return core::make_error(core::errc::bad_parameter, "parameter '" + std::string(param) + "': " + std::string(why));
}

core::error not_found(std::string what) { return core::make_error(core::errc::not_found, std::move(what)); }

boost::json::object paging(std::size_t per_page, std::optional<std::string> next) {
  boost::json::object p{{"perPage", per_page}};
  if (next) p["nextPageToken"] = *next;
  return p;
}

core::result<page_request> read_page(const query_params& ps, char kind, std::string_view token_why) {
  auto n = per_page(ps);
  if (!n) return n.error();
  page_request page;
  page.per_page = *n;
  if (auto v = param(ps, "pageToken")) {
    page.after = decode_page_token(*v, kind);
    if (!page.after) return bad("pageToken", token_why);
  }
  return page;
}

}  // namespace rcvault::http::detail
