#include "rcvault/attachments/source_uri.hpp"

#include <algorithm>
#include <cctype>

namespace rcvault::attachments {
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<long>(suffix.size()),
                                                 [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

// The host of "scheme://[user@]host[:port]/...", without the port; "" when unreadable.
std::string_view host_of(std::string_view url, std::string_view* rest = nullptr) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view after = url.substr(scheme + 3);
  const auto end = std::min(after.find_first_of("/?#"), after.size());
  std::string_view authority = after.substr(0, end);
  if (rest) *rest = after.substr(end);
  if (authority.find('@') != std::string_view::npos) return {};  // never rewrite what carries credentials
  if (authority.starts_with('[')) return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

bool ringcentral_host(std::string_view host) {
  for (std::string_view domain : {"ringcentral.com", "ringcentral.biz"}) {
    if (host.size() == domain.size() && ends_with_nocase(host, domain)) return true;
    if (host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' && ends_with_nocase(host, domain))
      return true;
  }
  return false;
}

}  // namespace

std::string source_uri(std::string_view uri, std::string_view server) {
  if (ringcentral_host(host_of(server))) return std::string(uri);
  if (!starts_with_nocase(uri, "https://")) return std::string(uri);
  std::string_view rest;
  if (!ringcentral_host(host_of(uri, &rest))) return std::string(uri);
  std::string out(server);
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += rest.empty() ? std::string_view("/") : rest;
  return out;
}

}  // namespace rcvault::attachments
