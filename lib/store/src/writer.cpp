#include "rcvault/store/writer.hpp"

#include "checkpointer.hpp"
#include "connection.hpp"
#include "batch_applier.hpp"
#include "retention.hpp"
#include "submission_queue.hpp"
#include "thread_name.hpp"
#include "wal_syncer.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

namespace rcvault::store {
namespace {

using detail::pending_attachment_result;
using detail::pending_checkpoint;
using detail::pending_write;
using detail::work;

}  // namespace

struct writer::impl {
  impl(const options& o, renormaliser r)
      : opts(o),
        renormalise(std::move(r)),
        db(detail::open_connection(opts, detail::role::writer)),
        applier(db, opts, renormalise),
        checkpoints(opts) {
    if (opts.sync == synchronous::full) {
      syncer.emplace(sqlite3_filename_wal(sqlite3_db_filename(db.getHandle(), "main")));
    }
    // Replaces SQLite's autocheckpoint, which would run inside our commits.
    sqlite3_wal_hook(db.getHandle(), &impl::on_commit, this);
  }

  // Queues `item` (a checkpoint or an attachment result) in the background
  // lane; false (nothing queued) when the lane is full; when stopping, answers
  // item.done(false) at once.
  template <class Item>
  bool push_background(Item item) {
    {
      std::lock_guard lk(mu);
      if (!stopping && queue.has_room(lane::background)) {
        queue.push(std::move(item), lane::background);
        stats.queue_depth = queue.size();
        stats.background_depth = queue.background_size();
        cv.notify_one();
        return true;
      }
      if (!stopping) return false;
    }
    if (item.done) item.done(false);
    return true;
  }

  // Called by SQLite on the writer thread after each commit with the WAL's size.
  // Passes are spaced (opts.wal): most pages a commit dirties are index leaves
  // on random keys that later commits dirty again, and a pass copies a page
  // once however often the WAL holds it; passes after every commit copied it
  // each time. Near the restart they follow every commit again, so that the
  // pass the writer waits for is short (docs/performance.md, "checkpoint passes spaced").
  static int on_commit(void* self, sqlite3*, const char*, int pages) {
    auto* me = static_cast<impl*>(self);
    const auto& wal = me->opts.wal;
    me->wal_pages = pages;
    if (pages < me->requested_at) me->requested_at = 0;  // the WAL started over
    const bool closing = pages >= wal.restart_pages - wal.closing_pages && pages < wal.restart_pages;
    if (pages >= me->requested_at + wal.checkpoint_step || closing) {
      me->requested_at = pages;
      me->checkpoints.request();
    }
    return SQLITE_OK;
  }

  // Whether the writer should now wait for a last pass and start the WAL
  // over. Past restart_pages no pass is asked for, so it waits once the
  // running pass has ended: then the last pass copies only what the commits
  // during that pass wrote. Past limit_pages it waits at once. A checkpoint
  // racing a busy writer never catches up by itself.
  bool time_to_restart() const {
    const auto& wal = opts.wal;
    if (wal_pages < wal.restart_pages) return false;
    return !checkpoints.busy() || wal_pages >= wal.limit_pages;
  }

  // How many background items the next batch may take: background_batch_max
  // while webhooks arrive (one was queued within webhook_quiet), so a webhook
  // never waits behind a commit of many synced records; batch_max otherwise,
  // so an import or a sync alone commits in full batches. Under mu.
  std::size_t background_most(std::chrono::steady_clock::time_point now) {
    if (queue.webhook_size() > 0) last_webhook = now;
    const bool webhooks_arrive = last_webhook && now - *last_webhook < webhook_quiet;
    return std::max<std::size_t>(webhooks_arrive ? opts.background_batch_max : opts.batch_max, 1);
  }

  // Takes batches until stopped and drained.
  void run() {
    std::vector<work> batch;
    std::vector<write_result> results;
    std::vector<std::function<void()>> woken;
    for (;;) {
      std::optional<std::uint64_t> page_limit;
      {
        std::unique_lock lk(mu);
        while (queue.empty() && !stopping) {
          stats.last_loop = std::chrono::steady_clock::now();
          if (retention_due(stats.last_loop, true)) break;
          cv.wait_for(lk, std::chrono::seconds(1));
        }
        stats.last_loop = std::chrono::steady_clock::now();
        if (queue.empty() && stopping) return;
        if (queue.empty()) {
          const bool quiet = !last_webhook || stats.last_loop - *last_webhook >= webhook_quiet;
          lk.unlock();
          retention_step(quiet);
          continue;
        }
        queue.take(batch, std::max<std::size_t>(opts.batch_max, 1), background_most(stats.last_loop));
        stats.queue_depth = queue.size();
        stats.background_depth = queue.background_size();
        page_limit = std::exchange(max_page_count, std::nullopt);
        if (queue.has_room(lane::background)) woken.swap(room_waiters);
      }
      for (auto& wake : woken) wake();
      woken.clear();
      if (time_to_restart()) {
        const auto waited_from = std::chrono::steady_clock::now();
        checkpoints.catch_up();
        wal_pages = 0;
        const auto waited = std::chrono::steady_clock::now() - waited_from;
        std::lock_guard lk(mu);
        ++stats.checkpoint_waits;
        stats.checkpoint_wait_time += waited;
      }
      if (page_limit) {
        db.tryExec("PRAGMA max_page_count=" + std::to_string(*page_limit == 0 ? 4294967294ULL : *page_limit));
      }
      results.assign(batch.size(), write_result{});
      if (syncer && syncer->failed()) {
        batch_committed = false;
        answer(batch, results);  // all unavailable: nothing more is acknowledged
        continue;
      }
      const auto applied_from = std::chrono::steady_clock::now();
      batch_committed = applier.apply(batch, results);
      if (!batch_committed) results.assign(batch.size(), write_result{});
      const auto applying = std::chrono::steady_clock::now() - applied_from;
      const auto writes = static_cast<std::size_t>(
          std::count_if(batch.begin(), batch.end(), [](const work& x) { return std::holds_alternative<pending_write>(x); }));
      // Counted before anyone is answered, so a client that got its answer
      // never reads counters that miss its own batch.
      {
        std::lock_guard lk(mu);
        ++stats.batches;
        stats.notifications += writes;
        stats.commit_time += applying;
        stats.last_batch_size = batch.size();
      }
      answer(batch, results);
      // Under a steady stream of batches retention still gets a step now and
      // then (retention_busy_gap), between two batches.
      if (retention_due(std::chrono::steady_clock::now(), false)) retention_step(false);
    }
  }

  // Whether a retention step is due: retention_days set, and the timer ran
  // out; when the queue is `idle` and no webhook came within webhook_quiet,
  // at once while the last step left more. (A queue that empties between
  // webhook batches is not idle: steps there doubled the webhook p99.)
  // Under mu when `idle`.
  bool retention_due(std::chrono::steady_clock::time_point now, bool idle) const {
    if (!opts.retention_days) return false;
    if (now >= next_retention) return true;
    return idle && retention_more && (!last_webhook || now - *last_webhook >= webhook_quiet);
  }

  // One retention step on the writer thread (batch_applier::retain), and the
  // time of the next: soon while more is left, else retention_idle_gap later
  // (the cutoff moves on with the clock).
  void retention_step(bool quiet) {
    const auto cutoff = core::now_ms() - static_cast<core::millis>(*opts.retention_days) * 86'400'000;
    retention_more = applier.retain(cutoff, quiet ? detail::retention_idle_pace : detail::retention_busy_pace);
    next_retention = std::chrono::steady_clock::now() + (retention_more ? retention_busy_gap : retention_idle_gap);
  }

  // Runs each write's `done`: at once when nothing in the batch was stored,
  // else (synchronous=full) after the wal_syncer's fdatasync. A duplicate
  // waits too: the copy it duplicates may be in a batch not yet synced.
  void answer(std::vector<work>& batch, const std::vector<write_result>& results) {
    std::vector<std::pair<std::function<void(const write_result&)>, write_result>> answers;
    bool any_stored = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // A checkpoint or an attachment result committed with its batch
      // exactly when the batch's writes did.
      auto answer_committed = [&](std::function<void(bool)>& done) {
        const bool committed = batch_committed;
        answers.emplace_back([done = std::move(done)](const write_result& r) { done(r.status == write_status::stored); },
                             write_result{committed ? write_status::stored : write_status::unavailable});
        any_stored = any_stored || committed;
      };
      if (auto* c = std::get_if<pending_checkpoint>(&batch[i])) {
        if (c->done) answer_committed(c->done);
        continue;
      }
      if (auto* a = std::get_if<pending_attachment_result>(&batch[i])) {
        if (a->done) answer_committed(a->done);
        continue;
      }
      auto* w = std::get_if<pending_write>(&batch[i]);
      if (!w || !w->done) continue;
      answers.emplace_back(std::move(w->done), results[i]);
      any_stored = any_stored || results[i].status != write_status::unavailable;
    }
    if (answers.empty()) return;
    if (!syncer || !any_stored) {
      for (auto& [done, result] : answers) done(result);
      return;
    }
    syncer->after_sync([answers = std::move(answers)](bool synced) {
      for (const auto& [done, result] : answers) done(synced ? result : write_result{});
    });
  }

  options opts;
  renormaliser renormalise;
  SQLite::Database db;
  detail::batch_applier applier;
  detail::checkpointer checkpoints;
  std::optional<detail::wal_syncer> syncer;  // synchronous=full only
  int wal_pages = 0;     // the WAL's size after the last commit (writer thread only)
  int requested_at = 0;  // the WAL's size when a pass was last asked for (writer thread only)
  bool batch_committed = false;  // whether the batch being answered committed (writer thread only)
  // Retention (writer thread only): when the next step is due, and whether
  // the last one left more to remove.
  std::chrono::steady_clock::time_point next_retention{};
  bool retention_more = false;
  static constexpr std::chrono::milliseconds retention_busy_gap{250};
  static constexpr std::chrono::seconds retention_idle_gap{30};

  mutable std::mutex mu;
  std::condition_variable cv;
  // Guarded by mu: the queue, the waiters, the flags and stats below.
  detail::submission_queue queue{opts.queue_max};
  std::vector<std::function<void()>> room_waiters;  // when_room() callers
  bool stopping = false;
  bool started = false;
  bool joined = false;
  std::optional<std::uint64_t> max_page_count;
  // When the writer last saw a webhook item queued (background_most).
  std::optional<std::chrono::steady_clock::time_point> last_webhook;
  static constexpr std::chrono::seconds webhook_quiet{1};
  writer_stats stats;
  std::thread thread;
  std::mutex stop_mu;  // serialises stop() callers
};

writer::writer(const options& opts, renormaliser renormalise) {
  try {
    impl_ = std::make_unique<impl>(opts, std::move(renormalise));
  } catch (const std::exception& e) {
    throw std::runtime_error("database " + opts.path.string() + ": " + e.what());
  }
}

writer::~writer() { stop(); }

void writer::start() {
  std::lock_guard lk(impl_->mu);
  if (impl_->started || impl_->stopping) return;
  impl_->started = true;
  impl_->checkpoints.start();
  if (impl_->syncer) impl_->syncer->start();
  impl_->thread = std::thread([this] {
    detail::name_this_thread("rcvault-writer");
    impl_->run();
  });
}

bool writer::submit(core::notification&& n, std::function<void(const write_result&)> done, lane l) {
  {
    std::lock_guard lk(impl_->mu);
    if (!impl_->stopping && impl_->queue.has_room(l)) {
      impl_->queue.push(pending_write{std::move(n), std::move(done), core::now_ms()}, l);
      impl_->stats.queue_depth = impl_->queue.size();
      impl_->stats.background_depth = impl_->queue.background_size();
      impl_->cv.notify_one();
      return true;
    }
    if (!impl_->stopping && l == lane::background) return false;
  }
  if (done) done(write_result{});
  return true;
}

bool writer::submit_checkpoint(sync_checkpoint cp, std::function<void(bool committed)> done) {
  return impl_->push_background(pending_checkpoint{std::move(cp), std::move(done)});
}

bool writer::submit_attachment_result(attachment_result r, std::function<void(bool committed)> done) {
  return impl_->push_background(pending_attachment_result{std::move(r), std::move(done)});
}

void writer::when_room(std::function<void()> wake) {
  {
    std::lock_guard lk(impl_->mu);
    if (!impl_->stopping && !impl_->queue.has_room(lane::background)) {
      impl_->room_waiters.push_back(std::move(wake));
      return;
    }
  }
  wake();
}

void writer::reject(rejected_request r) {
  std::lock_guard lk(impl_->mu);
  if (impl_->stopping || !impl_->queue.has_room(lane::webhook)) return;
  if (r.received_at == 0) r.received_at = core::now_ms();
  if (r.head.size() > 256) r.head.resize(256);
  impl_->queue.push(std::move(r), lane::webhook);
  impl_->stats.queue_depth = impl_->queue.size();
  impl_->cv.notify_one();
}

void writer::stop() {
  std::lock_guard stop_lk(impl_->stop_mu);
  bool started = false;
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lk(impl_->mu);
    if (impl_->joined) return;
    impl_->stopping = true;
    started = impl_->started;
    impl_->cv.notify_one();
    waiters.swap(impl_->room_waiters);
  }
  // Producers waiting for room learn at once that the writer stopped.
  for (auto& wake : waiters) wake();
  // Never started: drain on this thread, so nothing queued is lost.
  if (started) impl_->thread.join();
  else impl_->run();
  if (impl_->syncer) impl_->syncer->stop();  // answers the last batches
  impl_->checkpoints.stop();
  {
    std::lock_guard lk(impl_->mu);
    impl_->joined = true;
  }
  // Leaves a single database file behind; readers still holding a snapshot
  // make it partial, which is harmless.
  impl_->db.tryExec("PRAGMA wal_checkpoint(TRUNCATE)");
}

writer_stats writer::snapshot() const {
  writer_stats s;
  {
    std::lock_guard lk(impl_->mu);
    s = impl_->stats;
  }
  if (impl_->syncer) {
    const auto synced = impl_->syncer->done();
    s.wal_syncs = synced.syncs;
    s.wal_sync_time = synced.time;
    s.wal_sync_failed = synced.failed;
  }
  return s;
}

void writer::set_max_page_count(std::uint64_t pages) {
  std::lock_guard lk(impl_->mu);
  impl_->max_page_count = pages;
}

}  // namespace rcvault::store
