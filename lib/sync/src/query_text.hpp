#pragma once
// Query-string values: sync tokens are opaque and may hold '+', '/', '='.

#include <string>
#include <string_view>

namespace rcvault::sync::detail {

// Percent-encodes everything but RFC 3986's unreserved characters.
inline std::string query_escape(std::string_view v) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(v.size());
  for (unsigned char c : v) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace rcvault::sync::detail
