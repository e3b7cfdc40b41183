#include "layer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace rcvault::config::detail {
namespace {

std::string errno_text(int e) { return std::generic_category().message(e); }

// Closes the descriptor on every path out of read_whole_file.
struct descriptor {
  int fd;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

file_contents read_whole_file(const std::filesystem::path& file) {
  descriptor d{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (d.fd < 0) return {std::nullopt, errno_text(errno)};
  struct stat st{};
  if (::fstat(d.fd, &st) != 0) return {std::nullopt, errno_text(errno)};
  // Root can open a directory read-only; a token "file" that is a folder is a mistake to name.
  if (S_ISDIR(st.st_mode)) return {std::nullopt, "is a directory"};
  std::string bytes;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(d.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return {std::nullopt, errno_text(errno)};
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  return {std::move(bytes), {}};
}

}  // namespace rcvault::config::detail
