// GET /v1/sync: Message Sync's state (docs/sync.md). The body comes from the
// sync runner through query_context::sync_status; http knows nothing of sync.
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

}  // namespace rcvault::http::detail
