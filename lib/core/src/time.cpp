#include "rcvault/core/time.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

namespace rcvault::core {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<millis> parse_iso8601(std::string_view s, bool assume_utc_without_zone) noexcept {
  using namespace std::chrono;
  int y, mo, d;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  sys_days date{ymd};
  if (s.size() == 10) return duration_cast<milliseconds>(date.time_since_epoch()).count();
  int hh, mm, ss = 0;
  if (s.size() < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hh) ||
      s[13] != ':' || !digits(s, 14, 2, mm))
    return std::nullopt;
  // Seconds may be left out (reduced precision, "2025-07-31T20:13Z"); a fraction then may not follow.
  const bool with_seconds = s.size() > 16 && s[16] == ':';
  if (with_seconds && !digits(s, 17, 2, ss)) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  std::size_t pos = with_seconds ? 19 : 16;
  long long ms = 0;
  if (with_seconds && pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    std::size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  long long offset_min = 0;
  if (pos == s.size()) {
    if (!assume_utc_without_zone) return std::nullopt;
  } else if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return std::nullopt;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '+' ? 1 : -1;
    int oh, om;
    std::size_t rest = s.size() - pos - 1;
    if (rest == 5 && s[pos + 3] == ':') {
      if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om)) return std::nullopt;
    } else if (rest == 4) {
      if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 3, 2, om)) return std::nullopt;
    } else if (rest == 2) {
      if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
      om = 0;
    } else {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  auto tp = date + hours{hh} + minutes{mm} + seconds{ss} + milliseconds{ms} - minutes{offset_min};
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

millis now_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso8601(millis t) {
  using namespace std::chrono;
  // The calendar conversion overflows far outside the years parse_iso8601 can
  // produce, so values from elsewhere (a corrupt row) are clamped to 0000..9999.
  constexpr millis lowest = -62167219200000;   // 0000-01-01T00:00:00.000Z
  constexpr millis highest = 253402300799999;  // 9999-12-31T23:59:59.999Z
  t = std::clamp(t, lowest, highest);
  sys_time<milliseconds> tp{milliseconds{t}};
  auto day_point = floor<days>(tp);
  year_month_day ymd{day_point};
  hh_mm_ss<milliseconds> tod{tp - day_point};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count(), tod.subseconds().count());
}

}  // namespace rcvault::core
