#pragma once
// The folder attachments.dir (docs/attachments.md): content addressed by its
// SHA-256 at sha256/ab/<64 hex> (ab: the first two hex digits), written
// through a temporary file in tmp/ that is fsynced, renamed into place and
// whose folder is fsynced, so a stored file is whole or absent after a crash.
// Identical content is kept once.
//
// Threading: a content_store and its staged files belong to one thread (the
// API thread's fetcher); two stores on one folder must not run at once.

#include "rcvault/core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::attachments {

// What a staged file became once kept.
struct stored_content {
  std::string sha256;     // lower-case hex
  std::uint64_t bytes = 0;
  bool already_there = false;  // a file with this content existed: nothing was renamed
};

// What a file holds: its length and lower-case hex SHA-256, or the errno
// that stopped reading it (ENOENT: no such file).
struct file_digest {
  std::uint64_t bytes = 0;
  std::string sha256;
  int error = 0;
};

// Reads the file at `p` whole, in 1 MiB pieces (constant memory), hashing it
// as a download is hashed (`rcvault check --attachments`). Never throws but
// std::bad_alloc.
file_digest digest_file(const std::filesystem::path& p);

// Free bytes for an unprivileged user on the file system holding `dir`
// (statvfs f_bavail * f_frsize), or nullopt when it cannot be read.
std::optional<std::uint64_t> free_bytes_of(const std::filesystem::path& dir) noexcept;

class content_store;

// A download being written: bytes go to a temporary file in tmp/ and into the
// hash. Destroying it without keep() removes the temporary file.
class staged_file {
 public:
  ~staged_file();
  staged_file(const staged_file&) = delete;
  staged_file& operator=(const staged_file&) = delete;

  // Appends `chunk`; false (and the reason in error()) when the write failed.
  bool write(std::string_view chunk) noexcept;
  // Bytes written so far.
  std::uint64_t size() const noexcept;
  // Why the last write or keep failed ("" when none did).
  const std::string& error() const noexcept;

  // fsync, then rename to sha256/ab/<hex> (skipped when a file of that name
  // and size exists), then fsync of its folder. Errors: errc::unavailable
  // naming the step and the path. Call once.
  core::result<stored_content> keep();

 private:
  friend class content_store;
  struct impl;
  explicit staged_file(std::unique_ptr<impl> d);
  std::unique_ptr<impl> impl_;
};

class content_store {
 public:
  // Does no I/O.
  explicit content_store(std::filesystem::path dir);

  // Creates dir, dir/tmp and dir/sha256 when missing and removes every file
  // left in dir/tmp (downloads cut short by a crash). Errors: errc::unavailable
  // naming the path.
  core::result<void> prepare();

  // A new temporary file in dir/tmp. Errors: errc::unavailable naming it.
  core::result<std::unique_ptr<staged_file>> stage();

  // Where content with hex digest `sha256` is kept: dir/sha256/ab/<sha256>.
  std::filesystem::path path_of(std::string_view sha256) const;

  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  std::uint64_t next_tmp_ = 0;
};

}  // namespace rcvault::attachments
