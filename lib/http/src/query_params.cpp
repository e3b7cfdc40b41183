#include "query_params.hpp"

#include "query_reply.hpp"

#include <cctype>
#include <charconv>

namespace rcvault::http::detail {

namespace {

constexpr std::string_view b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

core::result<query_params> parse_query_string(std::string_view qs) {
  query_params out;
  while (!qs.empty()) {
    const auto amp = qs.find('&');
    const std::string_view part = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    if (!key) return core::make_error(core::errc::bad_parameter, "malformed percent escape in the query string");
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!value)
      return core::make_error(core::errc::bad_parameter, "parameter '" + *key + "': malformed percent escape");
    for (const auto& [k, v] : out)
      if (k == *key) return core::make_error(core::errc::bad_parameter, "parameter '" + *key + "' given twice");
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::optional<std::string_view> param(const query_params& ps, std::string_view name) {
  for (const auto& [k, v] : ps)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

core::result<std::optional<std::string>> enum_param(const query_params& ps, std::string_view name,
                                                    std::initializer_list<std::string_view> allowed) {
  auto v = param(ps, name);
  if (!v) return std::optional<std::string>{};
  for (auto a : allowed)
    if (iequals(*v, a)) return std::optional<std::string>{std::string(a)};
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return bad(name, "expected one of " + list);
}

core::result<std::size_t> per_page(const query_params& ps) {
  auto v = param(ps, "perPage");
  if (!v) return std::size_t{100};
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || p != v->data() + v->size() || n < 1 || n > 1000)
    return bad("perPage", "expected an integer from 1 to 1000");
  return n;
}

std::optional<core::error> check_known(const query_params& ps, std::span<const std::string_view> known) {
  for (const auto& [k, v] : ps) {
    bool found = false;
    for (auto n : known) found = found || n == k;
    if (!found) return core::make_error(core::errc::bad_parameter, "unknown parameter '" + k + "'");
  }
  return std::nullopt;
}

std::string encode_page_token(char kind, std::int64_t row) {
  const std::string plain = kind + std::to_string(row);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : plain) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += b64[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += b64[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::int64_t> decode_page_token(std::string_view token, char kind) {
  if (token.empty() || token.size() > 32) return std::nullopt;
  std::string plain;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : token) {
    const auto v = b64.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      plain += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (plain.size() < 2 || plain[0] != kind) return std::nullopt;
  std::int64_t row = 0;
  const char* first = plain.data() + 1;
  const char* last = plain.data() + plain.size();
  auto [p, ec] = std::from_chars(first, last, row);
  if (ec != std::errc{} || p != last || row < 0) return std::nullopt;
  // Only the canonical spelling is accepted, so one cursor has one token.
  if (encode_page_token(kind, row) != token) return std::nullopt;
  return row;
}

}  // namespace rcvault::http::detail
