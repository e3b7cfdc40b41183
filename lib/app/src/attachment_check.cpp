// rcvault check --attachments (docs/attachments.md, "Backups"): every stored
// content's file under attachments.dir exists, has its size and hashes to its
// sha256. Read-only: it opens the database with a reader and only reads files.
#include "rcvault/app/commands.hpp"
#include "exit_codes.hpp"
#include "store_options.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/reader.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::app {

namespace {

using detail::exit_failure;
using detail::exit_ok;
using detail::exit_usage;
using detail::fail;

constexpr std::size_t page_size = 1000;
constexpr std::size_t read_size = 1 << 20;

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// What a file's bytes are: its length and lower-case hex sha256, or the errno that stopped the read.
struct file_digest {
  std::uint64_t bytes = 0;
  std::string sha256;
  int error = 0;
};

file_digest digest_of(const std::filesystem::path& p, std::vector<unsigned char>& buffer) {
  file_digest out;
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.error = errno;
    return out;
  }
  std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = errno;
      break;
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
    out.bytes += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    out.sha256 += hex[md[i] >> 4];
    out.sha256 += hex[md[i] & 0xf];
  }
  return out;
}

}  // namespace

int check_attachments(const config::config& cfg) {
  const auto o = detail::store_options(cfg);
  const std::filesystem::path dir = cfg.attachments.dir.value_or(cfg.store.path.parent_path() / "attachments");
  std::error_code ec;
  if (!std::filesystem::exists(o.path, ec))
    return fail(exit_usage, fmt::format("database {}: no such file (store.path)", o.path.string()));
  std::size_t checked = 0, missing = 0, corrupt = 0;
  std::uint64_t bytes = 0;
  try {
    if (!store::schema_current(o))
      return fail(exit_usage, fmt::format("database {}: the schema is not current; run rcvault migrate first",
                                          o.path.string()));
    store::reader r(o);
    std::vector<unsigned char> buffer(read_size);
    std::optional<std::string> after;
    for (;;) {
      const auto page = r.stored_contents(after, page_size);
      for (const auto& [sha256, size] : page) {
        ++checked;
        const auto path = store::content_path(dir, sha256);
        const auto d = digest_of(path, buffer);
        const auto expected = static_cast<std::uint64_t>(size);
        if (d.error == ENOENT) {
          ++missing;
          std::fputs(fmt::format("missing: {} ({} bytes)\n", path.string(), expected).c_str(), stdout);
        } else if (d.error != 0) {
          ++corrupt;
          std::fputs(fmt::format("unreadable: {}: {}\n", path.string(), std::strerror(d.error)).c_str(), stdout);
        } else if (d.bytes != expected) {
          ++corrupt;
          std::fputs(fmt::format("corrupt: {}: {} bytes, expected {}\n", path.string(), d.bytes, expected).c_str(),
                     stdout);
        } else if (d.sha256 != sha256) {
          ++corrupt;
          std::fputs(fmt::format("corrupt: {}: content hashes to {}\n", path.string(), d.sha256).c_str(), stdout);
        } else {
          bytes += d.bytes;
        }
      }
      if (page.size() < page_size) break;
      after = page.back().first;
    }
  } catch (const std::exception& e) {
    return fail(exit_failure, fmt::format("database {}: {}", o.path.string(), e.what()));
  }
  std::fputs(fmt::format("attachments {}: {} files checked, {} bytes verified, {} missing, {} corrupt\n",
                         dir.string(), checked, bytes, missing, corrupt)
                 .c_str(),
             stdout);
  if (missing + corrupt > 0)
    return fail(exit_failure, fmt::format("{} attachment files missing or corrupt under {} (listed above)",
                                          missing + corrupt, dir.string()));
  return exit_ok;
}

}  // namespace rcvault::app
