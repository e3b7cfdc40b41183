// The query listener's router: the route table, the bearer token, the method
// and parameter-name checks, then one handler per resource (resources.hpp).
#include "rcvault/http/query_api.hpp"

#include "query_params.hpp"
#include "query_reply.hpp"
#include "resources.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <array>
#include <vector>

namespace rcvault::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

enum class route_id {
  messages, message, message_events, attachment_content, conversations, conversation_messages,
  event, stats, rejected, sync, subscription, healthz, readyz, metrics,
};

struct route_entry {
  route_id id;
  query_route route;
};

const std::array<route_entry, 14> routes{{
    {route_id::messages, {"/v1/messages", detail::messages_params}},
    {route_id::message, {"/v1/messages/{id}", {}}},
    {route_id::message_events, {"/v1/messages/{id}/events", {}}},
    {route_id::attachment_content, {"/v1/messages/{id}/attachments/{attachmentId}/content", {}}},
    {route_id::conversations, {"/v1/conversations", detail::paging_params}},
    {route_id::conversation_messages, {"/v1/conversations/{conversationId}/messages", detail::paging_params}},
    {route_id::event, {"/v1/events/{uuid}", {}}},
    {route_id::stats, {"/v1/stats", {}}},
    {route_id::rejected, {"/v1/rejected", detail::paging_params}},
    {route_id::sync, {"/v1/sync", {}}},
    {route_id::subscription, {"/v1/subscription", {}}},
    {route_id::healthz, {"/healthz", {}}},
    {route_id::readyz, {"/readyz", {}}},
    {route_id::metrics, {"/metrics", {}}},
}};

const std::array<query_route, routes.size()> public_routes = [] {
  std::array<query_route, routes.size()> out{};
  for (std::size_t i = 0; i < routes.size(); ++i) out[i] = routes[i].route;
  return out;
}();

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return out;
}

struct matched_route {
  const route_entry* entry = nullptr;
  std::vector<std::string> args;  // the {name} segments, percent-decoded
};

matched_route match_route(std::string_view path) {
  const auto segments = split_path(path);
  for (const auto& e : routes) {
    const auto pattern = split_path(e.route.pattern);
    if (pattern.size() != segments.size()) continue;
    matched_route m{&e, {}};
    bool ok = true;
    for (std::size_t i = 0; ok && i < pattern.size(); ++i) {
      if (pattern[i].front() == '{') {
        auto arg = detail::percent_decode(segments[i], false);
        ok = arg.has_value() && !arg->empty();
        if (ok) m.args.push_back(std::move(*arg));
      } else {
        ok = pattern[i] == segments[i];
      }
    }
    if (ok) return m;
  }
  return {};
}

// Constant time in the length of the expected token: every byte is compared.
bool token_matches(std::string_view given, std::string_view expected) {
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char g = i < given.size() ? given[i] : '\0';
    diff |= static_cast<unsigned>(static_cast<unsigned char>(g ^ expected[i]));
  }
  return diff == 0;
}

bool authorised(const request& req, const query_context& ctx) {
  if (!ctx.token) return true;
  const auto header = req[bhttp::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() < scheme.size() || !detail::iequals(header.substr(0, scheme.size()), scheme)) return false;
  return token_matches(header.substr(scheme.size()), *ctx.token);
}

asio::awaitable<reply> dispatch(const request& req, query_context& ctx, const matched_route& m,
                                const detail::query_params& ps) {
  switch (m.entry->id) {
    case route_id::messages: co_return co_await detail::get_messages(req, ctx, ps);
    case route_id::message: co_return co_await detail::get_message(req, ctx, m.args[0]);
    case route_id::message_events: co_return co_await detail::get_message_events(req, ctx, m.args[0]);
    case route_id::attachment_content:
      co_return co_await detail::get_attachment_content(req, ctx, m.args[0], m.args[1]);
    case route_id::conversations: co_return co_await detail::get_conversations(req, ctx, ps);
    case route_id::conversation_messages:
      co_return co_await detail::get_conversation_messages(req, ctx, m.args[0], ps);
    case route_id::event: co_return co_await detail::get_event(req, ctx, m.args[0]);
    case route_id::stats: co_return co_await detail::get_stats(req, ctx);
    case route_id::rejected: co_return co_await detail::get_rejected(req, ctx, ps);
    case route_id::sync: co_return co_await detail::get_sync(req, ctx);
    case route_id::subscription: co_return co_await detail::get_subscription(req, ctx);
    case route_id::healthz: co_return co_await detail::get_healthz(req);
    case route_id::readyz: co_return co_await detail::get_readyz(req, ctx);
    case route_id::metrics: co_return co_await detail::get_metrics(req, ctx);
  }
  co_return detail::error_reply(req, core::make_error(core::errc::internal, "unhandled route"));
}

}  // namespace

std::span<const query_route> query_routes() noexcept { return public_routes; }

std::string_view query_route_name(std::string_view target) noexcept {
  try {
    const auto m = match_route(target.substr(0, target.find('?')));
    return m.entry ? m.entry->route.pattern : std::string_view("unknown");
  } catch (...) {
    return "unknown";
  }
}

asio::awaitable<reply> handle_query(const request& req, query_context& ctx) {
  const std::string_view target = req.target();
  const auto qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const auto m = match_route(path);

  // /healthz stays open so a supervisor can probe without the token.
  const bool open = m.entry && m.entry->id == route_id::healthz;
  if (!open && !authorised(req, ctx))
    co_return detail::error_reply(req, core::make_error(core::errc::unauthorized, "missing or wrong bearer token"));
  if (!m.entry) co_return detail::error_reply(req, detail::not_found("no route " + std::string(path)));
  if (req.method() != bhttp::verb::get)
    co_return detail::error_reply(req, core::make_error(core::errc::method_not_allowed, "only GET is allowed here"));

  auto ps = detail::parse_query_string(qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1));
  if (!ps) co_return detail::error_reply(req, ps.error());
  if (auto e = detail::check_known(*ps, m.entry->route.parameters)) co_return detail::error_reply(req, *e);
  co_return co_await dispatch(req, ctx, m, *ps);
}

}  // namespace rcvault::http
