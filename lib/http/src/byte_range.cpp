#include "byte_range.hpp"

#include <charconv>
#include <optional>

namespace rcvault::http::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only (no sign, no space): from_chars alone would accept a leading '-'.
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool unit_is_bytes(std::string_view unit) {
  constexpr std::string_view bytes = "bytes";
  if (unit.size() != bytes.size()) return false;
  for (std::size_t i = 0; i < unit.size(); ++i)
    if ((unit[i] | 0x20) != bytes[i]) return false;
  return true;
}

}  // namespace

byte_range parse_byte_range(std::string_view header, std::uint64_t size) noexcept {
  const byte_range whole{};
  header = trim(header);
  const auto eq = header.find('=');
  if (eq == std::string_view::npos || !unit_is_bytes(trim(header.substr(0, eq)))) return whole;
  const std::string_view set = trim(header.substr(eq + 1));
  // Several ranges would need multipart/byteranges; the whole content answers them.
  if (set.find(',') != std::string_view::npos) return whole;
  const auto dash = set.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view a = trim(set.substr(0, dash));
  const std::string_view b = trim(set.substr(dash + 1));
  if (a.empty()) {
    // bytes=-n: the last n bytes.
    const auto n = number(b);
    if (!n) return whole;
    if (*n == 0 || size == 0) return {byte_range::kind::unsatisfiable, 0, 0};
    const std::uint64_t len = *n < size ? *n : size;
    return {byte_range::kind::partial, size - len, size - 1};
  }
  const auto first = number(a);
  if (!first) return whole;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    const auto l = number(b);
    if (!l || *l < *first) return whole;
    if (*l < last) last = *l;
  }
  if (*first >= size) return {byte_range::kind::unsatisfiable, 0, 0};
  return {byte_range::kind::partial, *first, last};
}

}  // namespace rcvault::http::detail
