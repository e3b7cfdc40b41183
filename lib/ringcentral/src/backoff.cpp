#include "rcvault/ringcentral/backoff.hpp"

#include <algorithm>
#include <charconv>

namespace rcvault::ringcentral {

bool is_retryable(unsigned http_status, std::string_view code) noexcept {
  if (http_status >= 500 && http_status <= 599) return true;
  return http_status == 0 && (code == "network" || code == "timeout" || code == "tls");
}

std::chrono::milliseconds backoff_delay(unsigned failures, std::chrono::milliseconds min,
                                        std::chrono::milliseconds max, double random) noexcept {
  using ms = std::chrono::milliseconds;
  ms d = std::max(min, ms(1));
  for (unsigned i = 1; i < failures && d < max; ++i) d *= 2;
  d = std::min(d, max);
  random = std::clamp(random, 0.0, 1.0);
  return ms(d.count() / 2 + static_cast<ms::rep>(static_cast<double>(d.count() - d.count() / 2) * random));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  // A day at most: a wild value must not park a group for years.
  return std::chrono::seconds(std::min<std::int64_t>(seconds, 86'400));
}

}  // namespace rcvault::ringcentral
