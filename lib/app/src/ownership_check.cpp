#include "rcvault/app/ownership_check.hpp"

#include <fmt/format.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <optional>

namespace rcvault::app {

namespace {

std::optional<uid_t> owner_of(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return st.st_uid;
}

// "uid 61834 (rcvault)" when the name resolves (a dynamic user resolves only
// while its service runs), else just "uid 61834".
std::string describe(uid_t uid) {
  std::array<char, 4096> buf{};
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr)
    return fmt::format("uid {} ({})", uid, found->pw_name);
  return fmt::format("uid {}", uid);
}

}  // namespace

std::vector<std::string> database_ownership_warnings(const std::filesystem::path& db) {
  std::vector<std::string> warnings;
  try {
    const auto folder = db.has_parent_path() ? db.parent_path() : std::filesystem::path{"."};
    const auto service_uid = owner_of(folder);
    if (!service_uid) return warnings;

    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      auto file = db;
      file += suffix;
      const auto uid = owner_of(file);
      if (!uid || *uid == *service_uid) continue;
      warnings.push_back(fmt::format(
          "database file {} is owned by {}, not by {} that owns {}: the service cannot write it "
          "(fix: chown {} {}, and run admin commands as the service's user, see docs/deploy.md)",
          file.string(), describe(*uid), describe(*service_uid), folder.string(), *service_uid,
          file.string()));
    }

    const uid_t self = ::geteuid();
    if (self != *service_uid) {
      warnings.push_back(fmt::format(
          "running as {} on a database whose folder {} belongs to {}: -wal/-shm files this command "
          "creates would lock the service out; run it as the service's user (see docs/deploy.md)",
          describe(self), folder.string(), describe(*service_uid)));
    }
  } catch (...) {
    // Out of memory while formatting a warning: the check is advisory only.
  }
  return warnings;
}

}  // namespace rcvault::app
