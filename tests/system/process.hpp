#pragma once
// Test helper: runs a program (the built rcvault) to completion and captures what it did.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::test {

// What a finished process did: exit code (128 + signal when killed), stdout, stderr.
struct process_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args` and waits for it. The child gets this process's
// environment without any RCVAULT_* or CREDENTIALS_DIRECTORY variable, plus `env`;
// its stdin is `stdin_bytes` (empty when none). Throws std::runtime_error when it
// cannot start the program.
process_result run_process(const std::string& program, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {},
                           const std::optional<std::string>& stdin_bytes = std::nullopt);

}  // namespace rcvault::test
