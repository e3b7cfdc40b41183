// rcvault compact (docs/storage.md, "Compact"): re-encodes the stored raw
// payloads with the newest zstd dictionary, training one first when asked.
#include "rcvault/app/commands.hpp"

#include "exit_codes.hpp"
#include "store_options.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/raw_compaction.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

namespace rcvault::app {

int compact(const config::config& cfg, bool retrain) {
  using detail::fail;
  const auto o = detail::store_options(cfg);
  std::error_code ec;
  if (!std::filesystem::exists(o.path, ec))
    return fail(detail::exit_usage, fmt::format("database {}: no such file", o.path.string()));
  try {
    // Like import: a database from before 0006 is brought up to date first.
    auto migrated = store::migrate(o);
    if (!migrated) return fail(detail::exit_usage, migrated.error().message);
    store::compact_request req;
    req.retrain = retrain;
    auto r = store::compact_raw(o, req);
    if (!r) return fail(r.error().code == core::errc::usage ? detail::exit_usage : detail::exit_failure, r.error().message);
    if (r->trained) std::fputs(fmt::format("dictionary {} trained\n", *r->trained).c_str(), stdout);
    const auto dict = r->dictionary ? fmt::format("dictionary {}", *r->dictionary) : std::string("no dictionary");
    std::fputs(fmt::format("{} rows re-encoded with {}: {} bytes before, {} after; {} unused dictionaries dropped\n",
                           r->rows, dict, r->bytes_before, r->bytes_after, r->dropped)
                   .c_str(),
               stdout);
    std::fflush(stdout);
    return detail::exit_ok;
  } catch (const std::exception& e) {
    return fail(detail::exit_failure, fmt::format("database {}: {}", o.path.string(), e.what()));
  }
}

}  // namespace rcvault::app
