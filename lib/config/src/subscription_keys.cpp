// The [subscription] keys (docs/configuration.md, docs/deploy.md).
#include "key_values.hpp"
#include "layer.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace rcvault::config::detail {
namespace {

constexpr std::int64_t most_seconds = 2'147'483'647;
constexpr std::int64_t most_expires_in = 315'360'000;  // RingCentral's ceiling for a WebHook

// The webhook URL: "https://HOST[:PORT][/path][?query]"; http:// only for a loopback host.
std::optional<std::string> store_address(std::optional<std::string>& out, const std::string& text) {
  const std::string quoted = "'" + text + "'";
  std::string_view rest = text;
  bool tls = true;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
    tls = false;
  } else {
    return "expected https://HOST[:PORT]/PATH, got " + quoted;
  }
  const bool bad_char = std::any_of(rest.begin(), rest.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '#' || c == '\\';
  });
  if (bad_char) return "must be a URL without spaces or '#', got " + quoted;
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) return "must not hold a user name, got " + quoted;
  std::string host;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "unclosed '[' in " + quoted;
    host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return "expected https://HOST[:PORT]/PATH, got " + quoted;
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return "names no host: " + quoted;
  if ((!port.empty() || authority.ends_with(':')) && !is_url_port(port)) return "bad port in " + quoted;
  if (!tls && !is_loopback_host(host))
    return "http:// is allowed only for a loopback host (127.0.0.1, [::1], localhost); RingCentral needs https://, got " +
           quoted;
  out = text;
  return std::nullopt;
}

// subscription.event_filters: RingCentral API paths; duplicates dropped.
std::optional<std::string> store_filters(std::vector<std::string>& out, const std::vector<std::string>& items) {
  if (items.empty()) return "names no filter; leave the key out for the default filters";
  std::vector<std::string> kept;
  for (const std::string& item : items) {
    const bool bad_char = std::any_of(item.begin(), item.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
    if (!item.starts_with("/restapi/v1.0/") || bad_char)
      return "expected event filters such as \"/restapi/v1.0/account/~/extension/~/message-store\", got '" + item + "'";
    if (std::find(kept.begin(), kept.end(), item) == kept.end()) kept.push_back(item);
  }
  out = std::move(kept);
  return std::nullopt;
}

const key_spec keys[] = {
    {"subscription.address", value_type::text,
     [](layer_state& l, const value& v, const place&) { return store_address(l.cfg.subscription.address, text_of(v)); }},
    {"subscription.event_filters", value_type::list,
     [](layer_state& l, const value& v, const place&) {
       return store_filters(l.cfg.subscription.event_filters, list_of(v));
     }},
    {"subscription.expires_in_seconds", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, most_expires_in>(
           v, [&](std::int64_t n) { l.cfg.subscription.expires_in = std::chrono::seconds{n}; });
     }},
    {"subscription.check_interval_seconds", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, most_seconds>(
           v, [&](std::int64_t n) { l.cfg.subscription.check_interval = std::chrono::seconds{n}; });
     }},
};

}  // namespace

std::span<const key_spec> subscription_keys() noexcept { return keys; }

}  // namespace rcvault::config::detail
