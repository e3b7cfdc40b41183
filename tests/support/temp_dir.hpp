#pragma once
// A test-owned temporary directory, removed with everything in it on destruction.

#include <filesystem>
#include <string>

namespace rcvault::test {

class temp_dir {
 public:
  // Creates a fresh, unique directory under the system temp dir; throws on failure.
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  // Returns path() / name.
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Absolute path of a file under tests/fixtures/.
std::filesystem::path fixture_path(const std::string& relative);
// Absolute path of one of RingCentral's example payloads (copied from the
// shared reference into tests/fixtures/payloads/).
std::filesystem::path shared_payload_path(const std::string& name);
// Reads a whole file; throws std::runtime_error naming it when it cannot.
std::string read_file(const std::filesystem::path& p);

}  // namespace rcvault::test
