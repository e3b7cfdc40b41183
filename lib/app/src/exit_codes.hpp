#pragma once
// The subcommands' exit codes and their one error line (README.md, `rcvault --help`).

#include <string_view>

namespace rcvault::app::detail {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// Writes "rcvault: error: <what>" to stderr as one line (newlines in `what`
// become spaces), after flushing stdout; returns `code`.
int fail(int code, std::string_view what);

}  // namespace rcvault::app::detail
