#pragma once
// The route tables of both listeners, written out in one place.

#include "rcvault/http/handler.hpp"
#include "rcvault/http/ingest.hpp"
#include "rcvault/http/server.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace rcvault::http {

// The webhook listener: POST {ctx.settings.path} (any query string) goes to
// handle_ingest; another method on that path is 405 with Allow: POST; every
// other path is 404. `ctx` must outlive the routes.
routes ingest_listener_routes(ingest_context& ctx);

// A query handler: GET requests and friends on the query listener.
using query_handler = std::function<boost::asio::awaitable<reply>(const request&)>;

// The query listener: every request goes to `handler` (which owns the paths
// under /v1 and the health checks), with bodies of at most 64 KiB.
routes query_listener_routes(query_handler handler);

}  // namespace rcvault::http
