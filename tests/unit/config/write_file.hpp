#pragma once
// Test helper: writes a small file (a config, a token) into a test's temp dir.

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace rcvault::test {

// Writes `bytes` to `file`, replacing it; returns `file`. Throws when it cannot.
inline std::filesystem::path write_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

}  // namespace rcvault::test
