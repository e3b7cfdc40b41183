#include "origin.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace rcvault::ringcentral {

namespace {
api_error invalid(std::string message) { return api_error{0, "invalid_url", std::move(message), {}}; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}
}  // namespace

std::string origin::key() const { return (tls ? "https://" : "http://") + host_header(); }

std::string origin::host_header() const {
  // Appended piece by piece: GCC 12 warns -Wrestrict on "[" + host + "]" in release builds.
  std::string h;
  if (host.find(':') != std::string::npos) {
    h += '[';
    h += host;
    h += ']';
  } else {
    h = host;
  }
  if (port != (tls ? 443 : 80)) {
    h += ':';
    h += std::to_string(port);
  }
  return h;
}

api_result<split_url> parse_url(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return invalid("not an absolute URL");
  const auto& u = *parsed;
  split_url out;
  if (iequals(u.scheme(), "https")) out.where.tls = true;
  else if (iequals(u.scheme(), "http")) out.where.tls = false;
  else return invalid("only http and https URLs are followed");
  if (!u.has_authority() || u.encoded_host().empty()) return invalid("the URL names no host");
  out.where.host = u.host_address();
  if (u.has_port()) {
    if (u.port_number() == 0) return invalid("the URL has a bad port");
    out.where.port = u.port_number();
  } else {
    out.where.port = out.where.tls ? 443 : 80;
  }
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target.push_back('/');  // not = "/": GCC 12 -Wrestrict, as above
  if (u.has_query()) {
    const auto query = u.encoded_query();
    out.target += '?';
    out.target.append(query.data(), query.size());
  }
  return out;
}

api_result<std::string> resolve_url(std::string_view base, std::string_view location) {
  auto b = boost::urls::parse_absolute_uri(base);
  auto ref = boost::urls::parse_uri_reference(location);
  if (!b || !ref) return invalid("a redirect to an unreadable location");
  boost::urls::url out;
  if (auto r = boost::urls::resolve(*b, *ref, out); !r) return invalid("a redirect to an unreadable location");
  return std::string(out.buffer());
}

std::string form_encode(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  auto put = [&](std::string_view s) {
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
  };
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    put(name);
    out += '=';
    put(value);
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  return out;
}

bool host_within(std::string_view host, std::string_view domain) noexcept {
  if (iequals(host, domain)) return true;
  return host.size() > domain.size() + 1 && host[host.size() - domain.size() - 1] == '.' &&
         iequals(host.substr(host.size() - domain.size()), domain);
}

}  // namespace rcvault::ringcentral
