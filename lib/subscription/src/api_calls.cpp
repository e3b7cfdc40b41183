#include "api_calls.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::subscription::detail {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using ringcentral::api_error;
using ringcentral::rate_group;

constexpr std::string_view collection = "/restapi/v1.0/subscription";
constexpr std::string_view one_endpoint = "/restapi/v1.0/subscription/{subscriptionId}";
constexpr std::string_view renew_endpoint = "/restapi/v1.0/subscription/{subscriptionId}/renew";

std::string one_path(const std::string& id) { return std::string(collection) + "/" + id; }

api_error invalid(const core::error& e) { return api_error{200, "invalid_response", e.message, {}}; }

api_result<info> info_of(const api_result<ringcentral::api_response>& r) {
  if (!r) return r.error();
  auto parsed = parse_info(r->body);
  if (!parsed) return invalid(parsed.error());
  return std::move(*parsed);
}

json::array filters_json(const std::vector<std::string>& filters) {
  json::array out;
  for (const auto& f : filters) out.emplace_back(f);
  return out;
}

}  // namespace

asio::awaitable<api_result<std::vector<info>>> list_subscriptions(ringcentral::client& c) {
  auto r = co_await c.get(std::string(collection), rate_group::light, std::string(collection));
  if (!r) co_return r.error();
  auto parsed = parse_list(r->body);
  if (!parsed) co_return invalid(parsed.error());
  co_return std::move(*parsed);
}

asio::awaitable<api_result<info>> get_subscription(ringcentral::client& c, const std::string& id) {
  co_return info_of(co_await c.get(one_path(id), rate_group::light, std::string(one_endpoint)));
}

asio::awaitable<api_result<info>> create_subscription(ringcentral::client& c, const std::string& address,
                                                      const std::string& token, const std::vector<std::string>& filters,
                                                      std::chrono::seconds expires_in) {
  json::object body;
  body["eventFilters"] = filters_json(filters);
  body["deliveryMode"] = json::object{{"transportType", "WebHook"}, {"address", address}, {"verificationToken", token}};
  body["expiresIn"] = static_cast<std::int64_t>(expires_in.count());
  auto r = co_await c.send("POST", std::string(collection), json::serialize(body), rate_group::medium,
                           std::string(collection));
  if (!r) co_return with_hint(r.error());
  co_return info_of(r);
}

asio::awaitable<api_result<info>> update_filters(ringcentral::client& c, const std::string& id,
                                                 const std::vector<std::string>& filters,
                                                 std::chrono::seconds expires_in) {
  json::object body;
  body["eventFilters"] = filters_json(filters);
  body["expiresIn"] = static_cast<std::int64_t>(expires_in.count());
  co_return info_of(
      co_await c.send("PUT", one_path(id), json::serialize(body), rate_group::medium, std::string(one_endpoint)));
}

asio::awaitable<api_result<info>> renew_subscription(ringcentral::client& c, const std::string& id) {
  co_return info_of(co_await c.send("POST", one_path(id) + "/renew", "", rate_group::light, std::string(renew_endpoint)));
}

asio::awaitable<api_result<void>> delete_subscription(ringcentral::client& c, const std::string& id) {
  auto r = co_await c.send("DELETE", one_path(id), "", rate_group::medium, std::string(one_endpoint));
  if (!r && r.error().http_status != 404) co_return r.error();
  co_return api_result<void>{};
}

api_error with_hint(api_error e) {
  std::string_view hint;
  if (e.code == "SUB-520")
    hint = "the webhook did not echo the Validation-Token header: does subscription.address reach rcvault's "
           "ingest.path?";
  else if (e.code == "SUB-521")
    hint = "RingCentral could not reach the webhook: is subscription.address public, the proxy up and rcvault "
           "listening?";
  else if (e.code == "SUB-523")
    hint = "RingCentral requires an https:// subscription.address (a TLS proxy in front of ingest.listen)";
  else if (e.code == "SUB-525")
    hint = "the webhook answered the validation request wrongly (not 200, or over 1024 bytes): check what the "
           "proxy in front of ingest.path answers";
  if (!hint.empty()) e.message = (e.message.empty() ? std::string() : e.message + "; ") + "hint: " + std::string(hint);
  return e;
}

}  // namespace rcvault::subscription::detail
