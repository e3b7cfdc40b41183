// rcvault check --attachments (docs/attachments.md, "Backups"): every stored
// content's file under attachments.dir exists, has its size and hashes to its
// sha256. Read-only: it opens the database with a reader and only reads files.
#include "rcvault/app/commands.hpp"
#include "exit_codes.hpp"
#include "store_options.hpp"
#include "rcvault/attachments/content_store.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
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

}  // namespace

int check_attachments(const config::config& cfg) {
  const auto o = detail::store_options(cfg);
  const std::filesystem::path dir = cfg.attachments_dir();
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
    std::optional<std::string> after;
    for (;;) {
      const auto page = r.stored_contents(after, page_size);
      for (const auto& [sha256, size] : page) {
        ++checked;
        const auto path = store::content_path(dir, sha256);
        const auto d = attachments::digest_file(path);
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
