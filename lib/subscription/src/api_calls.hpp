#pragma once
// The subscription calls of RingCentral's API (reference section 7), each one
// request through the client in its rate-limit group, answers parsed.

#include "rcvault/ringcentral/client.hpp"
#include "rcvault/subscription/info.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace rcvault::subscription::detail {

template <class T>
using api_result = ringcentral::api_result<T>;

// GET /restapi/v1.0/subscription: every subscription of this user and app.
boost::asio::awaitable<api_result<std::vector<info>>> list_subscriptions(ringcentral::client& c);

// GET /restapi/v1.0/subscription/{id}; an api_error with http_status 404 when gone.
boost::asio::awaitable<api_result<info>> get_subscription(ringcentral::client& c, const std::string& id);

// POST /restapi/v1.0/subscription: a WebHook at `address` with `token` as
// deliveryMode.verificationToken and top-level expiresIn.
boost::asio::awaitable<api_result<info>> create_subscription(ringcentral::client& c, const std::string& address,
                                                             const std::string& token,
                                                             const std::vector<std::string>& filters,
                                                             std::chrono::seconds expires_in);

// PUT /restapi/v1.0/subscription/{id} with eventFilters and expiresIn.
boost::asio::awaitable<api_result<info>> update_filters(ringcentral::client& c, const std::string& id,
                                                        const std::vector<std::string>& filters,
                                                        std::chrono::seconds expires_in);

// POST /restapi/v1.0/subscription/{id}/renew.
boost::asio::awaitable<api_result<info>> renew_subscription(ringcentral::client& c, const std::string& id);

// DELETE /restapi/v1.0/subscription/{id}; a 404 counts as done.
boost::asio::awaitable<api_result<void>> delete_subscription(ringcentral::client& c, const std::string& id);

// The error with a hint for the SUB codes of a failed creation (reference section 7).
ringcentral::api_error with_hint(ringcentral::api_error e);

}  // namespace rcvault::subscription::detail
