#include "rcvault/subscription/keeper.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <stdexcept>

namespace rcvault::subscription {

std::string_view to_string(keeper_state s) noexcept {
  switch (s) {
    case keeper_state::none: return "none";
    case keeper_state::active: return "active";
    case keeper_state::blacklisted: return "blacklisted";
    case keeper_state::failed: return "failed";
  }
  return "none";
}

std::string to_json(const keeper_status& s) {
  namespace json = boost::json;
  json::object o;
  o["state"] = to_string(s.state);
  if (s.current) {
    const auto& c = *s.current;
    o["id"] = c.id;
    if (!c.status.empty()) o["status"] = c.status;
  }
  o["address"] = s.address;
  if (s.current) {
    const auto& c = *s.current;
    if (!c.expiration_time.empty()) o["expirationTime"] = c.expiration_time;
    json::array filters;
    for (const auto& f : c.event_filters) filters.emplace_back(f);
    o["eventFilters"] = std::move(filters);
    if (!c.disabled_filters.empty()) {
      json::array disabled;
      for (const auto& d : c.disabled_filters)
        disabled.emplace_back(json::object{{"filter", d.filter}, {"reason", d.reason}, {"message", d.message}});
      o["disabledFilters"] = std::move(disabled);
    }
    if (c.blacklisted)
      o["blacklistedData"] = json::object{{"blacklistedAt", c.blacklisted->blacklisted_at},
                                          {"reason", c.blacklisted->reason}};
  }
  if (s.error) {
    const std::string code =
        s.error->code.empty() ? "http_" + std::to_string(s.error->http_status) : s.error->code;
    o["error"] = json::object{{"code", code}, {"message", s.error->message}};
  }
  if (s.last_check_ms) o["lastCheckTime"] = core::format_iso8601(*s.last_check_ms);
  o["recreations"] = s.recreations;
  return json::serialize(o);
}

std::string token_hash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace rcvault::subscription
