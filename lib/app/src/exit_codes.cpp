#include "exit_codes.hpp"

#include <cstdio>
#include <string>

namespace rcvault::app::detail {

int fail(int code, std::string_view what) {
  // One error line: newlines inside the text would break the one-line rule.
  std::string line = "rcvault: error: ";
  for (char c : what) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
  return code;
}

}  // namespace rcvault::app::detail
