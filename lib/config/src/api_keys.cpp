// The [ringcentral] and [sync] keys (docs/configuration.md, docs/sync.md).
#include "key_values.hpp"
#include "layer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace rcvault::config::detail {
namespace {

constexpr std::int64_t most_per_minute = 1'000'000;
constexpr std::int64_t most_seconds = 2'147'483'647;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "https://host[:port]" (a trailing '/' is dropped); http:// only for a loopback host.
std::optional<std::string> store_server(std::string& out, const std::string& text) {
  const std::string quoted = "'" + text + "'";
  std::string_view rest = text;
  bool tls = true;
  if (rest.starts_with("https://")) rest.remove_prefix(8);
  else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
    tls = false;
  } else {
    return "expected https://HOST[:PORT], got " + quoted;
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  const bool bad_char = std::any_of(rest.begin(), rest.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\';
  });
  if (rest.empty() || bad_char) return "expected https://HOST[:PORT] without a path, got " + quoted;

  std::string host;
  std::string_view port;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return "unclosed '[' in " + quoted;
    host = std::string(rest.substr(1, close - 1));
    in6_addr a6{};
    if (::inet_pton(AF_INET6, host.c_str(), &a6) != 1) return "'" + host + "' is not an IPv6 address in " + quoted;
    rest.remove_prefix(close + 1);
    if (!rest.empty() && rest.front() != ':') return "expected https://HOST[:PORT], got " + quoted;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const auto colon = rest.find(':');
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    if (host.empty()) return "expected https://HOST[:PORT], got " + quoted;
  }
  if ((!port.empty() || rest.ends_with(':')) && !is_url_port(port)) return "bad port in " + quoted;
  if (!tls && !is_loopback_host(host))
    return "http:// is allowed only for a loopback host (127.0.0.1, [::1], localhost); use https://, got " + quoted;
  out = std::string(text.data(), text.size() - (text.ends_with('/') ? 1 : 0));
  return std::nullopt;
}

// sync.extensions: "~", "all", or extension ids.
std::optional<std::string> store_extensions(std::vector<std::string>& out, const std::vector<std::string>& items) {
  if (items.empty()) return "names no extension; expected \"~\", \"all\" or extension ids";
  std::vector<std::string> kept;
  for (const std::string& item : items) {
    if (item == "all" || item == "~") {
      if (items.size() > 1) return "\"" + item + "\" cannot be combined with other extensions";
    } else {
      // Extension ids are int64 in RingCentral's API: at most 19 digits, not 0.
      const bool id = all_digits(item) && item.size() <= 19 && item.find_first_not_of('0') != std::string::npos &&
                      (item.size() < 19 || item <= "9223372036854775807");
      if (!id) return "expected \"~\", \"all\" or an extension id (digits), got '" + item + "'";
    }
    if (std::find(kept.begin(), kept.end(), item) == kept.end()) kept.push_back(item);
  }
  out = std::move(kept);
  return std::nullopt;
}

// Reads "DD" digits at `pos` of `s`; -1 when they are not digits.
int two_digits(std::string_view s, std::size_t pos) {
  if (pos + 2 > s.size() || !all_digits(s.substr(pos, 2))) return -1;
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

// "YYYY-MM-DD", optionally followed by "THH:MM[:SS[.fraction]]" and "Z" or "+HH:MM"/"-HH:MM"
// (no offset: UTC). A TOML date or date-time arrives as this text too.
std::optional<std::chrono::sys_time<std::chrono::milliseconds>> parse_since(std::string_view s) {
  using namespace std::chrono;
  if (s.size() < 10 || !all_digits(s.substr(0, 4)) || s[4] != '-' || s[7] != '-') return std::nullopt;
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const int mo = two_digits(s, 5);
  const int d = two_digits(s, 8);
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (mo < 0 || d < 0 || !ymd.ok()) return std::nullopt;
  sys_time<milliseconds> t = sys_days{ymd};
  s.remove_prefix(10);
  if (s.empty()) return t;
  if (s.front() != 'T' && s.front() != 't' && s.front() != ' ') return std::nullopt;
  const int h = two_digits(s, 1);
  const int mi = s.size() > 3 && s[3] == ':' ? two_digits(s, 4) : -1;
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return std::nullopt;
  t += hours{h} + minutes{mi};
  s.remove_prefix(6);
  if (!s.empty() && s.front() == ':') {
    const int sec = two_digits(s, 1);
    if (sec < 0 || sec > 59) return std::nullopt;
    t += seconds{sec};
    s.remove_prefix(3);
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      std::size_t n = 0;
      int ms = 0;
      while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
        if (n < 3) ms = ms * 10 + (s[n] - '0');
        ++n;
      }
      if (n == 0) return std::nullopt;
      for (std::size_t k = n; k < 3; ++k) ms *= 10;
      t += milliseconds{ms};
      s.remove_prefix(n);
    }
  }
  if (s.empty() || s == "Z" || s == "z") return t;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  const int oh = two_digits(s, 1);
  const int om = two_digits(s, 4);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
  const minutes offset = hours{oh} + minutes{om};
  return s[0] == '+' ? t - offset : t + offset;
}

const key_spec keys[] = {
    {"ringcentral.server", value_type::text,
     [](layer_state& l, const value& v, const place&) { return store_server(l.cfg.ringcentral.server, text_of(v)); }},
    {"ringcentral.client_id", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       if (auto bad = check_secret(text_of(v))) return bad;
       l.cfg.ringcentral.client_id = text_of(v);
       return std::nullopt;
     }},
    {"ringcentral.client_secret", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_value(l.client_secret, v, w); }},
    {"ringcentral.client_secret_file", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_file(l.client_secret, v, w); }},
    {"ringcentral.jwt", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_value(l.jwt, v, w); }},
    {"ringcentral.jwt_file", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_file(l.jwt, v, w); }},
    {"ringcentral.ca_file", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       // Read now so that a wrong path is a configuration error, not a TLS failure at the first sync.
       const file_contents contents = read_whole_file(text_of(v));
       const std::string quoted = "'" + text_of(v) + "'";
       if (text_of(v).empty()) return "must not be empty";
       if (!contents.bytes) return "cannot read " + quoted + ": " + contents.problem;
       if (contents.bytes->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
         return quoted + " holds no PEM certificate";
       l.cfg.ringcentral.ca_file = text_of(v);
       return std::nullopt;
     }},
    {"ringcentral.light_per_minute", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, most_per_minute>(v, [&](std::int64_t n) { l.cfg.ringcentral.light_per_minute = static_cast<unsigned>(n); });
     }},
    {"ringcentral.medium_per_minute", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, most_per_minute>(v, [&](std::int64_t n) { l.cfg.ringcentral.medium_per_minute = static_cast<unsigned>(n); });
     }},
    {"sync.extensions", value_type::list,
     [](layer_state& l, const value& v, const place&) { return store_extensions(l.cfg.sync.extensions, list_of(v)); }},
    {"sync.interval_seconds", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, most_seconds>(v, [&](std::int64_t n) { l.cfg.sync.interval = std::chrono::seconds{n}; });
     }},
    {"sync.since", value_type::date,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       const auto t = parse_since(text_of(v));
       if (!t) return "expected a date \"YYYY-MM-DD\" or date-time \"YYYY-MM-DDTHH:MM:SSZ\", got '" + text_of(v) + "'";
       l.cfg.sync.since = *t;
       return std::nullopt;
     }},
};

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr a4{};
  if (::inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (::inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

bool is_url_port(std::string_view digits) {
  return all_digits(digits) && digits.size() <= 5 && std::stoul(std::string(digits)) >= 1 &&
         std::stoul(std::string(digits)) <= 65535;
}

std::span<const key_spec> api_keys() noexcept { return keys; }

}  // namespace rcvault::config::detail
