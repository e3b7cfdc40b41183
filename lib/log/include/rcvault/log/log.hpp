#pragma once
// Logging: one line per event on stderr, prefixed with the journald priority
// ("<6>"), message first, then key=value pairs. The level is checked before
// anything is formatted. Never log message text, tokens or phone numbers above debug.

#include <fmt/format.h>

#include <optional>
#include <string_view>
#include <utility>

namespace rcvault::log {

enum class level { error = 3, warning = 4, info = 6, debug = 7 };

// Parses "debug", "info", "warning", "error"; nullopt otherwise.
std::optional<level> parse_level(std::string_view s) noexcept;

// Sets the most verbose level written (default info). Thread-safe.
void set_level(level l) noexcept;

// True when a line at `l` would be written. Thread-safe.
bool enabled(level l) noexcept;

// Writes "<N>" + line + "\n" to stderr in one write(2). Thread-safe.
void write(level l, std::string_view line) noexcept;

template <class... A>
void emit(level l, fmt::format_string<A...> f, A&&... a) {
  if (enabled(l)) write(l, fmt::format(f, std::forward<A>(a)...));
}
template <class... A> void debug(fmt::format_string<A...> f, A&&... a) { emit(level::debug, f, std::forward<A>(a)...); }
template <class... A> void info(fmt::format_string<A...> f, A&&... a) { emit(level::info, f, std::forward<A>(a)...); }
template <class... A> void warning(fmt::format_string<A...> f, A&&... a) { emit(level::warning, f, std::forward<A>(a)...); }
template <class... A> void error(fmt::format_string<A...> f, A&&... a) { emit(level::error, f, std::forward<A>(a)...); }

}  // namespace rcvault::log
