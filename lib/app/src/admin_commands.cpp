// rcvault migrate / import / backup / check (README.md, `rcvault --help`; import: docs/ingest.md).
#include "rcvault/app/commands.hpp"
#include "rcvault/accept/gateway.hpp"
#include "api_check.hpp"
#include "exit_codes.hpp"
#include "store_options.hpp"
#include "rcvault/app/ownership_check.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/log/log.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

namespace rcvault::app {

using detail::store_options;
namespace {

using detail::exit_failure;
using detail::exit_ok;
using detail::exit_usage;
using detail::fail;

int fail(const core::error& e) {
  const bool usage = e.code == core::errc::migration || e.code == core::errc::usage || e.code == core::errc::config;
  return fail(usage ? exit_usage : exit_failure, e.message);
}

int fail_database(const store::options& o, const std::exception& e) {
  return fail(exit_failure, fmt::format("database {}: {}", o.path.string(), e.what()));
}

int schema_version(const std::vector<store::migration_info>& status) {
  int v = 0;
  for (const auto& m : status)
    if (m.applied) v = m.version;
  return v;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

// A migration's progress line on a terminal (statement n of m, what it is,
// time so far); nothing when stderr is not a terminal.
store::migration_progress terminal_progress() {
  if (!stderr_is_terminal()) return {};
  return [](const store::migration_step& s) {
    std::fputs(fmt::format("\r\033[Krcvault: migrate: {}: statement {} of {} ({:.60}), {:.0f} s", s.name, s.statement,
                           s.statements, s.sql, std::chrono::duration<double>(s.elapsed).count())
                   .c_str(),
               stderr);
  };
}

// Runs the pending migrations with terminal_progress(), clearing its line after.
core::result<std::vector<store::migration_info>> migrate_showing_progress(const store::options& o) {
  auto progress = terminal_progress();
  auto status = store::migrate(o, progress);
  if (progress) std::fputs("\r\033[K", stderr);
  return status;
}

// Reads the whole import source ("-" is stdin).
std::optional<std::string> read_source(const std::string& file) {
  if (file == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return std::move(ss).str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(ss).str();
}

// What an import has done so far; shared with the writer thread's callbacks.
struct import_tally {
  std::mutex mu;  // guards the counts
  std::size_t stored = 0;
  std::size_t duplicate = 0;
  std::size_t rejected = 0;
};

}  // namespace

int migrate(const config::config& cfg, bool status_only) {
  const auto o = store_options(cfg);
  try {
    if (status_only) {
      auto status = store::migration_status(o);
      if (!status) return fail(status.error());
      for (const auto& m : *status)
        std::fputs(fmt::format("{} {}\n", m.name, m.applied ? "applied " + m.applied_at : std::string("pending")).c_str(),
                   stdout);
      std::fputs(fmt::format("schema version {}\n", schema_version(*status)).c_str(), stdout);
      return exit_ok;
    }
    auto status = migrate_showing_progress(o);
    if (!status) return fail(status.error());
    std::fputs(fmt::format("database {}: schema version {} (current)\n", o.path.string(), schema_version(*status))
                   .c_str(),
               stdout);
    return exit_ok;
  } catch (const std::exception& e) {
    return fail_database(o, e);
  }
}

int import_file(const config::config& cfg, const std::string& file) {
  const auto o = store_options(cfg);
  const std::string name = file == "-" ? std::string("stdin") : file;
  std::error_code dir_ec;
  if (file != "-" && std::filesystem::is_directory(file, dir_ec))
    return fail(exit_usage, fmt::format("import {}: is a directory, not a file", name));
  auto text = read_source(file);
  if (!text) return fail(exit_usage, fmt::format("import {}: cannot read the file", name));
  import_tally tally;
  std::mutex err_mu;
  auto report = [&](std::size_t line, std::string_view why) {
    std::lock_guard lk(err_mu);
    if (stderr_is_terminal()) std::fputs("\r\033[K", stderr);
    std::fputs(fmt::format("rcvault: error: {}:{}: {}\n", name, line, why).c_str(), stderr);
  };
  try {
    auto migrated = migrate_showing_progress(o);
    if (!migrated) return fail(migrated.error());
    store::writer w(o, [](core::event_kind k, std::string_view raw) { return ingest::renormalise(k, raw); });
    w.start();
    accept::gateway gate(w);

    const bool progress = stderr_is_terminal();
    const auto started = std::chrono::steady_clock::now();
    auto last_progress = started;
    const std::size_t total_lines = static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n')) + 1;
    std::size_t items = 0;

    // The same accept step as the webhook: items wait for room in the
    // writer's background lane instead of being refused.
    ingest::for_each_import_item(*text, [&](core::result<core::notification> item, std::size_t line) {
      ++items;
      gate.accept_waiting(std::move(item), accept::source::import, [&, line](const accept::outcome& r) {
        bool unavailable = false;
        std::optional<core::error> refusal;
        {
          std::lock_guard lk(tally.mu);
          switch (r.state) {
            case accept::outcome::status::stored: ++tally.stored; break;
            case accept::outcome::status::duplicate: ++tally.duplicate; break;
            case accept::outcome::status::refused:
              ++tally.rejected;
              refusal = r.refusal;
              break;
            case accept::outcome::status::unavailable:
              ++tally.rejected;
              unavailable = true;
              break;
          }
        }
        if (refusal) report(line, fmt::format("{}: {}", core::code_name(refusal->code), refusal->message));
        if (unavailable) report(line, "store unavailable (database busy, full or failing); import it again");
      });
      if (progress) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_progress >= std::chrono::milliseconds(500)) {
          last_progress = now;
          const double secs = std::chrono::duration<double>(now - started).count();
          std::lock_guard lk(err_mu);
          std::fputs(fmt::format("\r\033[Krcvault: import: {} items, {:.0f}/s, line {} of {}", items,
                                 secs > 0 ? static_cast<double>(items) / secs : 0.0, line, total_lines)
                         .c_str(),
                     stderr);
        }
      }
    });
    w.stop();
    if (progress) std::fputs("\r\033[K", stderr);
  } catch (const std::exception& e) {
    return fail_database(o, e);
  }
  std::lock_guard lk(tally.mu);
  std::fputs(fmt::format("{} stored, {} duplicate, {} rejected\n", tally.stored, tally.duplicate, tally.rejected).c_str(),
             stdout);
  std::fflush(stdout);
  return tally.rejected > 0 ? exit_failure : exit_ok;
}

int backup(const config::config& cfg, const std::filesystem::path& out) {
  const auto o = store_options(cfg);
  try {
    if (stderr_is_terminal()) std::fputs(fmt::format("rcvault: backup: copying {} ...", o.path.string()).c_str(), stderr);
    auto r = store::backup(o, out);
    if (stderr_is_terminal()) std::fputs("\r\033[K", stderr);
    if (!r) return fail(r.error());
    std::fputs(fmt::format("backup {}: {} bytes\n", out.string(), std::filesystem::file_size(out)).c_str(), stdout);
    return exit_ok;
  } catch (const std::exception& e) {
    return fail_database(o, e);
  }
}

int check(const config::config& cfg) {
  const auto o = store_options(cfg);
  // Before opening anything: opening would itself create files owned by us.
  for (const auto& warning : database_ownership_warnings(o.path)) log::warning("{}", warning);
  try {
    auto problem = store::check(o);
    if (!problem) return fail(problem.error());
    if (!problem->empty()) return fail(exit_failure, *problem);
    auto status = store::migration_status(o);
    if (!status) return fail(status.error());
    std::fputs(fmt::format("ok: config, database {}, integrity_check, raw payloads, schema version {}\n",
                           o.path.string(), schema_version(*status))
                   .c_str(),
               stdout);
    if (cfg.ringcentral.configured()) return detail::check_api(cfg);
    return exit_ok;
  } catch (const std::exception& e) {
    return fail_database(o, e);
  }
}

}  // namespace rcvault::app
