#include "rcvault/config/load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <string>

namespace rcvault::config {
namespace {

constexpr std::string_view unix_prefix = "unix:";

load_error bad(std::string_view text, std::string_view why) {
  return load_error{"bad listen address '" + std::string(text) + "': " + std::string(why)};
}

bool is_ipv4(const std::string& host) {
  in_addr a{};
  return ::inet_pton(AF_INET, host.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& host) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, host.c_str(), &a) == 1;
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  const unsigned long n = std::stoul(std::string(digits));
  if (n > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(n);
}

result<listen_address> parse_unix(std::string_view text, unix_socket unix) {
  if (unix == unix_socket::refused) return bad(text, "a unix socket is not supported here; expected HOST:PORT or [IPv6]:PORT");
  const std::filesystem::path p{std::string(text.substr(unix_prefix.size()))};
  if (!p.is_absolute()) return bad(text, "the unix socket path must be absolute");
  // sun_path holds the path and its terminating NUL.
  if (p.native().size() >= sizeof(sockaddr_un::sun_path))
    return bad(text, "the unix socket path is longer than " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
  return listen_address{{}, 0, p};
}

}  // namespace

result<listen_address> parse_listen_address(std::string_view text, unix_socket unix) {
  if (text.starts_with(unix_prefix)) return parse_unix(text, unix);
  const std::string_view expected =
      unix == unix_socket::allowed ? "expected HOST:PORT, [IPv6]:PORT or unix:/absolute/path" : "expected HOST:PORT or [IPv6]:PORT";

  std::string host;
  std::string_view rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad(text, "missing ']' after the IPv6 address");
    host = std::string(text.substr(1, close - 1));
    if (!is_ipv6(host)) return bad(text, "'" + host + "' is not an IPv6 address");
    rest = text.substr(close + 1);
    if (!rest.starts_with(':')) return bad(text, "missing ':PORT' after ']'");
    rest.remove_prefix(1);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad(text, "missing ':PORT'; " + std::string(expected));
    host = std::string(text.substr(0, colon));
    rest = text.substr(colon + 1);
    if (host.empty()) return bad(text, "missing host; use 0.0.0.0 or [::] for every interface");
    if (host.find(':') != std::string::npos) return bad(text, "an IPv6 address needs brackets, as in [::1]:8080");
    if (!is_ipv4(host)) return bad(text, "host '" + host + "' is not an IP address; " + std::string(expected));
  }
  const auto port = parse_port(rest);
  if (!port) return bad(text, "port '" + std::string(rest) + "' is not a number from 0 to 65535");
  return listen_address{host, *port, {}};
}

std::string to_string(const listen_address& a) {
  if (a.is_unix()) return std::string(unix_prefix) + a.unix_path.string();
  const std::string port = std::to_string(a.port);
  if (a.host.find(':') != std::string::npos) return "[" + a.host + "]:" + port;
  return a.host + ":" + port;
}

}  // namespace rcvault::config
