// GET /v1/sync: Message Sync's state (docs/sync.md), and GET /v1/subscription:
// the webhook subscription rcvault keeps (docs/deploy.md, section 4a). The bodies come from the app
// through query_context; http knows nothing of sync or subscriptions.
#include "resources.hpp"
#include "query_reply.hpp"

#include <boost/beast/http/status.hpp>

namespace rcvault::http::detail {

boost::asio::awaitable<reply> get_sync(const request& req, query_context& ctx) {
  if (!ctx.sync_status) {
    co_return error_reply(req, core::make_error(core::errc::not_configured,
                                                "Message Sync is not configured: set ringcentral.client_id (docs/sync.md)"));
  }
  co_return make_response(req, boost::beast::http::status::ok, ctx.sync_status(), "application/json; charset=utf-8");
}

boost::asio::awaitable<reply> get_subscription(const request& req, query_context& ctx) {
  if (!ctx.subscription_status) {
    co_return error_reply(req, core::make_error(core::errc::not_managed,
                                                "rcvault keeps no webhook subscription: set subscription.address and "
                                                "ringcentral.client_id (docs/deploy.md)"));
  }
  co_return make_response(req, boost::beast::http::status::ok, ctx.subscription_status(),
                          "application/json; charset=utf-8");
}

}  // namespace rcvault::http::detail
