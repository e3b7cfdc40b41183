// rcvault sync: one Message Sync pass in the foreground (docs/sync.md).
#include "rcvault/app/commands.hpp"

#include "attachment_fetcher.hpp"
#include "store_options.hpp"
#include "exit_codes.hpp"
#include "sync_options.hpp"

#include "rcvault/accept/gateway.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"
#include "rcvault/sync/runner.hpp"

#include <fmt/format.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>

namespace rcvault::app {
namespace {

using detail::exit_failure;
using detail::exit_ok;
using detail::exit_usage;
using detail::fail;

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

// SIGINT and SIGTERM stop the pass at once (the runner cancels its requests;
// what was queued still commits) instead of killing the process mid-write.
// The signals are blocked in every thread started while this lives, and one
// thread waits for them.
class stop_on_signal {
 public:
  explicit stop_on_signal(std::atomic<sync::runner*>& target) : target_(target) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    waiter_ = std::thread([this] {
      const timespec tick{0, 200'000'000};
      while (!done_.load()) {
        if (sigtimedwait(&set_, nullptr, &tick) > 0) {
          caught_ = true;
          if (sync::runner* r = target_.load()) r->stop();
        }
      }
    });
  }
  ~stop_on_signal() {
    done_ = true;
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  stop_on_signal(const stop_on_signal&) = delete;
  stop_on_signal& operator=(const stop_on_signal&) = delete;

  bool caught() const { return caught_.load(); }

 private:
  std::atomic<sync::runner*>& target_;
  sigset_t set_{};
  sigset_t old_{};
  std::atomic<bool> done_{false};
  std::atomic<bool> caught_{false};
  std::thread waiter_;
};

// One line on a terminal, rewritten after each page; nothing otherwise.
sync::progress_fn terminal_progress() {
  if (!stderr_is_terminal()) return {};
  return [started = std::chrono::steady_clock::now()](const sync::progress& p) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fputs(fmt::format("\r\033[Krcvault: sync: extension {}: {} sync, page {}, {} records, {:.0f} s", p.extension_id,
                           p.full ? "full" : "incremental", p.pages, p.records, secs)
                   .c_str(),
               stderr);
  };
}

std::string describe(const store::sync_error& e) { return e.message.empty() ? e.code : e.code + ": " + e.message; }

}  // namespace

int sync(const config::config& cfg, bool full) {
  if (!cfg.ringcentral.configured())
    return fail(exit_usage, "sync: ringcentral.client_id is not set; rcvault sync reads RingCentral's API (docs/sync.md)");
  auto o = detail::store_options(cfg);
  // A one-shot pass writes one mailbox's history in arrival order, where a
  // smaller page cache costs little; 32 MiB instead of serve's 64 keeps the
  // command's peak RSS under 100 MiB (docs/performance.md).
  o.writer_cache_kib = 32768;
  sync::pass_result pass;
  std::optional<attachments::drain_report> downloads;
  bool interrupted = false;
  try {
    auto migrated = store::migrate(o, {});
    if (!migrated) return fail(migrated.error().code == core::errc::migration ? exit_usage : exit_failure,
                               migrated.error().message);
    std::atomic<sync::runner*> running{nullptr};
    stop_on_signal signals(running);
    store::writer w(o, [](core::event_kind k, std::string_view raw) { return ingest::renormalise(k, raw); });
    w.start();
    {
      accept::gateway gate(w);
      sync::runner r(detail::runner_options_of(cfg), gate);
      running = &r;
      auto progress = terminal_progress();
      pass = r.run_once(full ? sync::sync_kind::full : sync::sync_kind::automatic, {}, progress);
      running = nullptr;
      if (progress) std::fputs("\r\033[K", stderr);
    }
    // A pass leaves a complete archive: the content of what it stored too (docs/attachments.md).
    if (detail::fetches_attachments(cfg) && !pass.error && !signals.caught())
      downloads = detail::download_due_attachments(cfg, w, [&signals] { return signals.caught(); });
    w.stop();
    interrupted = signals.caught();
  } catch (const std::exception& e) {
    return fail(exit_failure, fmt::format("database {}: {}", o.path.string(), e.what()));
  }

  for (const auto& m : pass.mailboxes) {
    std::fputs(fmt::format("extension {}: {} records ({} new, {} updated) in {:.1f} s\n", m.extension_id, m.records,
                           m.created, m.updated, std::chrono::duration<double>(m.elapsed).count())
                   .c_str(),
               stdout);
  }
  if (downloads)
    std::fputs(fmt::format("attachments: {} downloaded, {} not stored (gone, forbidden, too large or failed)\n",
                           downloads->stored, downloads->not_stored)
                   .c_str(),
               stdout);
  std::fflush(stdout);
  for (const auto& m : pass.mailboxes)
    if (m.error) fail(exit_failure, fmt::format("sync: extension {}: {}", m.extension_id, describe(*m.error)));
  if (pass.error) {
    if (pass.error->code == "lease") return fail(exit_failure, "sync: " + pass.error->message);
    return fail(exit_failure, "sync: " + describe(*pass.error));
  }
  if (interrupted) return fail(exit_failure, "sync: interrupted; the next pass goes on from the last page stored");
  if (downloads && downloads->paused)
    return fail(exit_failure, "sync: attachments: paused, free space under attachments.min_free_bytes; the rest is "
                              "downloaded when there is room");
  if (downloads && downloads->error) return fail(exit_failure, "sync: attachments: " + *downloads->error);
  return pass.ok() ? exit_ok : exit_failure;
}

}  // namespace rcvault::app
