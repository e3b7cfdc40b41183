#include "rcvault/attachments/content_store.hpp"

#include "rcvault/store/attachment_archive.hpp"
#include "sha256.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

namespace rcvault::attachments {
namespace fs = std::filesystem;

namespace {

std::string errno_text(int e) { return std::generic_category().message(e); }

core::error unavailable(std::string_view what, const fs::path& p, int e) {
  return core::make_error(core::errc::unavailable,
                          std::string(what) + " " + p.string() + ": " + errno_text(e));
}

// fsync of a folder: makes a rename or a new entry in it durable.
int sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

// mkdir that is durable: the new entry's parent is fsynced. 0 when it exists.
int make_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0750) == 0) return sync_dir(dir.parent_path().empty() ? fs::path(".") : dir.parent_path());
  if (errno != EEXIST) return errno;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return errno;
  return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

}  // namespace

file_digest digest_file(const fs::path& p) {
  file_digest out;
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.error = errno;
    return out;
  }
  detail::sha256 hash;
  std::vector<char> buffer(std::size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = errno;
      break;
    }
    if (n == 0) break;
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    out.bytes += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  out.sha256 = hash.hex();
  return out;
}

std::optional<std::uint64_t> free_bytes_of(const fs::path& dir) noexcept {
  struct statvfs s {};
  if (::statvfs(dir.c_str(), &s) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(s.f_bavail) * static_cast<std::uint64_t>(s.f_frsize);
}

struct staged_file::impl {
  const content_store* store = nullptr;
  fs::path tmp;
  int fd = -1;
  detail::sha256 hash;
  std::uint64_t size = 0;
  std::string error;
  bool kept = false;
};

staged_file::staged_file(std::unique_ptr<impl> d) : impl_(std::move(d)) {}

staged_file::~staged_file() {
  if (impl_->fd >= 0) ::close(impl_->fd);
  if (!impl_->kept) ::unlink(impl_->tmp.c_str());
}

bool staged_file::write(std::string_view chunk) noexcept {
  auto& d = *impl_;
  if (d.fd < 0) return false;
  const char* p = chunk.data();
  std::size_t left = chunk.size();
  while (left > 0) {
    const ssize_t n = ::write(d.fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      d.error = "write " + d.tmp.string() + ": " + errno_text(errno);
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  d.hash.update(chunk);
  d.size += chunk.size();
  return true;
}

std::uint64_t staged_file::size() const noexcept { return impl_->size; }
const std::string& staged_file::error() const noexcept { return impl_->error; }

core::result<stored_content> staged_file::keep() {
  auto& d = *impl_;
  auto fail = [&](core::error e) {
    d.error = e.message;
    return e;
  };
  if (d.fd < 0) return fail(core::make_error(core::errc::unavailable, "keep: " + d.tmp.string() + " is closed"));
  if (::fsync(d.fd) != 0) return fail(unavailable("fsync", d.tmp, errno));
  const int closed = ::close(d.fd);
  d.fd = -1;
  if (closed != 0) return fail(unavailable("close", d.tmp, errno));

  stored_content out;
  out.sha256 = d.hash.hex();
  out.bytes = d.size;
  const fs::path target = d.store->path_of(out.sha256);
  const fs::path folder = target.parent_path();
  if (int e = make_dir(folder)) return fail(unavailable("mkdir", folder, e));

  // The same content stored before (another message's copy of one picture):
  // the file already holds these bytes; a file of another size is a leftover
  // of something broken and is replaced.
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == d.size) {
    out.already_there = true;
    ::unlink(d.tmp.c_str());
    d.kept = true;
    return out;
  }
  if (::rename(d.tmp.c_str(), target.c_str()) != 0) return fail(unavailable("rename to", target, errno));
  d.kept = true;
  if (int e = sync_dir(folder)) return fail(unavailable("fsync", folder, e));
  return out;
}

content_store::content_store(fs::path dir) : dir_(std::move(dir)) {}

fs::path content_store::path_of(std::string_view sha256) const {
  return store::content_path(dir_, sha256);
}

core::result<void> content_store::prepare() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return core::make_error(core::errc::unavailable, "mkdir " + dir_.string() + ": " + ec.message());
  for (const char* sub : {"tmp", "sha256"}) {
    if (int e = make_dir(dir_ / sub)) return unavailable("mkdir", dir_ / sub, e);
  }
  // Whatever is in tmp/ is a download a crash or a kill cut short: never counted as stored.
  for (fs::directory_iterator it(dir_ / "tmp", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (rm) return core::make_error(core::errc::unavailable, "remove " + it->path().string() + ": " + rm.message());
  }
  if (ec) return core::make_error(core::errc::unavailable, "read " + (dir_ / "tmp").string() + ": " + ec.message());
  return {};
}

core::result<std::unique_ptr<staged_file>> content_store::stage() {
  auto d = std::make_unique<staged_file::impl>();
  d->store = this;
  d->tmp = dir_ / "tmp" / ("download-" + std::to_string(::getpid()) + "-" + std::to_string(++next_tmp_));
  d->fd = ::open(d->tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (d->fd < 0) {
    const int e = errno;
    d->kept = true;  // nothing to remove
    return unavailable("create", d->tmp, e);
  }
  return std::unique_ptr<staged_file>(new staged_file(std::move(d)));
}

}  // namespace rcvault::attachments
