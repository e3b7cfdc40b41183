// rcvault erase (docs/retention.md): the command line's side of store::erase.
#include "rcvault/app/commands.hpp"

#include "exit_codes.hpp"
#include "store_options.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/store/erasure.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace rcvault::app {

int erase(const config::config& cfg, const erase_options& o) {
  using detail::exit_failure;
  using detail::exit_ok;
  using detail::exit_usage;
  using detail::fail;

  store::erase_request r;
  r.phone_number = o.phone_number;
  r.message_id = o.message_id;
  r.dry_run = o.dry_run;
  if (o.before) {
    r.before = core::parse_iso8601(*o.before, true);
    if (!r.before)
      return fail(exit_usage, fmt::format("--before '{}' is not an ISO 8601 date or date-time (e.g. 2025-01-31)",
                                          *o.before));
  }
  const auto opts = detail::store_options(cfg);
  auto counts = store::erase(opts, r, cfg.attachments_dir());
  if (!counts) {
    const auto code = counts.error().code;
    const bool usage = code == core::errc::bad_parameter || code == core::errc::migration || code == core::errc::config;
    return fail(usage ? exit_usage : exit_failure, counts.error().message);
  }
  const auto& c = *counts;
  std::fputs(fmt::format("{}: {} messages, {} events, {} parties, {} attachments, {} attachment files, "
                         "{} dead letters, {} tombstones\n",
                         o.dry_run ? "would erase" : "erased", c.messages, c.events, c.parties, c.attachments,
                         c.attachment_files, c.rejected, c.tombstones)
                 .c_str(),
             stdout);
  if (!o.dry_run && c.messages > 0 && !c.index_merged)
    std::fputs("note: the full-text index was not merged to the end; run erase again to finish\n", stdout);
  if (!o.dry_run && !c.wal_truncated)
    std::fputs("note: the WAL was not truncated (a reader was busy); old page images stay in it until serve's "
               "next checkpoint restart\n",
               stdout);
  return exit_ok;
}

}  // namespace rcvault::app
