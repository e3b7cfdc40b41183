#pragma once
// The service manager's notification protocol (sd_notify(3)) for Type=notify.
// Every function is a no-op when NOTIFY_SOCKET is not set (not under systemd),
// never throws, and may be called from any thread.

#include <chrono>
#include <optional>
#include <string_view>

namespace rcvault::app {

// Sends READY=1: call once, after migrations ran and both listeners are bound.
void notify_ready() noexcept;

// Sends STATUS=<status> (shown by `systemctl status`); newlines become spaces.
void notify_status(std::string_view status) noexcept;

// Sends EXTEND_TIMEOUT_USEC: the start (or stop) may take `from_now` longer
// than TimeoutStartSec= from this moment; send it again before that runs out.
void notify_extend_timeout(std::chrono::microseconds from_now) noexcept;

// Sends STOPPING=1: call when a graceful shutdown begins.
void notify_stopping() noexcept;

// WatchdogSec= of the unit when the watchdog is enabled for this process
// (sd_watchdog_enabled), else nullopt; ping at least every half of it.
std::optional<std::chrono::microseconds> watchdog_interval() noexcept;

// Sends WATCHDOG=1: call only while every part that must make progress
// (the io_context and the writer thread) is known to be alive.
void notify_watchdog() noexcept;

}  // namespace rcvault::app
