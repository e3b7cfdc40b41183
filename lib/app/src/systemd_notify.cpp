#include "rcvault/app/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace rcvault::app {

namespace {

void send(const char* state) noexcept {
  // sd_notify itself returns 0 without NOTIFY_SOCKET; a failure to notify is
  // not worth stopping the daemon for, so its result is ignored.
  (void)sd_notify(0, state);
}

}  // namespace

void notify_ready() noexcept { send("READY=1"); }

void notify_status(std::string_view status) noexcept {
  try {
    std::string line = "STATUS=";
    line.reserve(line.size() + status.size());
    // One datagram carries several NAME=VALUE lines; a newline would start a new one.
    for (char c : status) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
    send(line.c_str());
  } catch (...) {
    // Out of memory for a status line: dropping it is the right call.
  }
}

void notify_stopping() noexcept { send("STOPPING=1"); }

void notify_extend_timeout(std::chrono::microseconds from_now) noexcept {
  try {
    send(("EXTEND_TIMEOUT_USEC=" + std::to_string(from_now.count())).c_str());
  } catch (...) {
    // As for a status line: dropping it is the right call.
  }
}

std::optional<std::chrono::microseconds> watchdog_interval() noexcept {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds{static_cast<std::chrono::microseconds::rep>(usec)};
}

void notify_watchdog() noexcept { send("WATCHDOG=1"); }

}  // namespace rcvault::app
