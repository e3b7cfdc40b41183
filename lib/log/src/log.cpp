#include "rcvault/log/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>

namespace rcvault::log {
namespace {
std::atomic<int> current{static_cast<int>(level::info)};
}

std::optional<level> parse_level(std::string_view s) noexcept {
  if (s == "debug") return level::debug;
  if (s == "info") return level::info;
  if (s == "warning") return level::warning;
  if (s == "error") return level::error;
  return std::nullopt;
}

void set_level(level l) noexcept { current.store(static_cast<int>(l), std::memory_order_relaxed); }

bool enabled(level l) noexcept { return static_cast<int>(l) <= current.load(std::memory_order_relaxed); }

void write(level l, std::string_view line) noexcept {
  try {
    std::string out;
    out.reserve(line.size() + 5);
    out += '<';
    out += static_cast<char>('0' + static_cast<int>(l));
    out += '>';
    out += line;
    out += '\n';
    // One write(2) per line so lines from several threads never interleave.
    std::size_t off = 0;
    while (off < out.size()) {
      ssize_t n = ::write(STDERR_FILENO, out.data() + off, out.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  } catch (...) {
    // Logging must never take the daemon down.
  }
}

}  // namespace rcvault::log
