#include "rcvault/http/routes.hpp"

#include "rcvault/http/error_response.hpp"
#include "rcvault/http/query_api.hpp"

#include <boost/beast/http/field.hpp>

namespace rcvault::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint64_t query_body_limit = 64 * 1024;

std::string_view target_path(const request& req) {
  return path_of(std::string_view(req.target().data(), req.target().size()));
}

}  // namespace

routes ingest_listener_routes(ingest_context& ctx) {
  routes r;
  r.early = [&ctx](const request& head) -> std::optional<response> {
    if (target_path(head) != ctx.settings.path) {
      return error_response({core::errc::not_found, "no such path; notifications go to " + ctx.settings.path});
    }
    if (head.method() != bhttp::verb::post) {
      auto res = error_response({core::errc::method_not_allowed, "only POST is allowed on " + ctx.settings.path});
      res.set(bhttp::field::allow, "POST");
      return res;
    }
    return std::nullopt;
  };
  r.body_limit = [&ctx](const request&) -> std::uint64_t { return ctx.settings.max_body_bytes; };
  r.handle = [&ctx](request& req) -> boost::asio::awaitable<reply> { co_return co_await handle_ingest(req, ctx); };
  r.route_name = [&ctx](const request& req) -> std::string {
    return target_path(req) == ctx.settings.path ? "webhook" : "unknown";
  };
  return r;
}

routes query_listener_routes(query_handler handler) {
  routes r;
  r.early = [](const request&) -> std::optional<response> { return std::nullopt; };
  r.body_limit = [](const request&) -> std::uint64_t { return query_body_limit; };
  r.handle = [handler = std::move(handler)](request& req) -> boost::asio::awaitable<reply> {
    co_return co_await handler(req);
  };
  r.route_name = [](const request& req) -> std::string {
    return std::string(query_route_name(std::string_view(req.target().data(), req.target().size())));
  };
  return r;
}

}  // namespace rcvault::http
