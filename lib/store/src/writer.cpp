#include "rcvault/store/writer.hpp"

#include "checkpointer.hpp"
#include "connection.hpp"
#include "counter_names.hpp"
#include "message_rows.hpp"
#include "submission_queue.hpp"
#include "sync_rows.hpp"
#include "thread_name.hpp"
#include "wal_syncer.hpp"
#include "rcvault/core/version_fold.hpp"
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

using detail::pending_checkpoint;
using detail::pending_write;
using detail::work;

core::millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct reset_guard {
  SQLite::Statement& s;
  ~reset_guard() { s.tryReset(); }
};

// Counter deltas of one batch, written just before COMMIT and dropped on ROLLBACK.
class counter_deltas {
 public:
  void add(std::string name, std::int64_t delta) { deltas_[std::move(name)] += delta; }
  void type_and_direction(const core::message& m, std::int64_t delta) {
    if (m.type) add(detail::type_counter(*m.type), delta);
    if (m.direction) add(detail::direction_counter(*m.direction), delta);
  }
  const std::map<std::string, std::int64_t>& all() const { return deltas_; }

 private:
  std::map<std::string, std::int64_t> deltas_;
};

// Everything the writer thread touches: the connection and its statements.
class batch_applier {
 public:
  batch_applier(SQLite::Database& db, const options& opts, const renormaliser& renormalise)
      : db_(db),
        opts_(opts),
        renormalise_(renormalise),
        rows_(db),
        find_event_(db, "SELECT 1 FROM events WHERE uuid=?1"),
        insert_event_(db,
                      "INSERT INTO events(uuid, kind, event, subscription_id, owner_id, sent_at, received_at, "
                      "outcome, reason, raw, message_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) "
                      "ON CONFLICT(uuid) DO NOTHING"),
        events_of_message_(db, "SELECT uuid, kind, sent_at, raw FROM events WHERE message_id=?1"),
        insert_rejected_(db, "INSERT INTO rejected(received_at, code, message, size, head) VALUES(?1,?2,?3,?4,?5)"),
        trim_rejected_(db, "DELETE FROM rejected WHERE id <= ?1"),
        add_counter_(db,
                     "INSERT INTO counters(name, value) VALUES(?1, ?2) "
                     "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value") {}

  // Applies one batch in one IMMEDIATE transaction; returns false (all rolled
  // back) when any statement or the COMMIT failed.
  bool apply(std::vector<work>& batch, std::vector<write_result>& results) {
    counter_deltas counters;
    try {
      db_.exec("BEGIN IMMEDIATE");
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (auto* w = std::get_if<pending_write>(&batch[i])) results[i] = write(*w, counters);
        else if (auto* r = std::get_if<rejected_request>(&batch[i])) reject(*r, counters);
        else detail::apply_sync_checkpoint(db_, std::get<pending_checkpoint>(batch[i]).cp);
      }
      rows_.flush_text();
      for (const auto& [name, delta] : counters.all()) {
        if (delta == 0) continue;
        add_counter_.tryReset();
        add_counter_.bind(1, name);
        add_counter_.bind(2, static_cast<std::int64_t>(delta));
        add_counter_.exec();
      }
      db_.exec("COMMIT");
      return true;
    } catch (const std::exception& e) {
      log::error("store: batch failed, rolled back error=\"{}\" batch={}", e.what(), batch.size());
      rows_.discard_text();
      db_.tryExec("ROLLBACK");
      return false;
    }
  }

 private:
  write_result write(const pending_write& w, counter_deltas& counters) {
    const auto& n = w.n;
    // The event row is written once, after its message, with the message's
    // row and the outcome in it: an UPDATE after the INSERT rewrote the whole
    // row (raw payload included) and cost ~10 % of the writer's time. Under
    // the write lock nothing can insert the uuid between this look-up and
    // the INSERT, whose ON CONFLICT stays as the schema's guarantee.
    {
      reset_guard g{find_event_};
      find_event_.bind(1, n.uuid);
      if (find_event_.executeStep()) {
        counters.add("events.duplicate", 1);
        return {write_status::duplicate, core::outcome::applied};
      }
    }
    core::outcome outcome;
    bool created = false;
    if (n.msg && !n.unnormalised_reason) {
      outcome = apply_message(w, counters, created);
    } else {
      outcome = n.unnormalised_reason ? core::outcome::unnormalised : core::outcome::applied;
      insert_event(w, std::nullopt, outcome);
    }
    counters.add("events.total", 1);
    counters.add("events." + std::string(core::to_string(outcome)), 1);
    return {write_status::stored, outcome, created};
  }

  void insert_event(const pending_write& w, std::optional<std::int64_t> message_row, core::outcome outcome,
                    std::optional<std::string_view> reason = std::nullopt) {
    const auto& n = w.n;
    auto& s = insert_event_;
    s.tryReset();
    s.bind(1, n.uuid);
    s.bind(2, std::string(core::to_string(n.kind)));
    s.bind(3, n.event);
    if (n.subscription_id) s.bind(4, *n.subscription_id); else s.bind(4);
    if (n.owner_id) s.bind(5, *n.owner_id); else s.bind(5);
    if (n.timestamp) s.bind(6, static_cast<std::int64_t>(*n.timestamp)); else s.bind(6);
    s.bind(7, static_cast<std::int64_t>(w.received_at));
    s.bind(8, std::string(core::to_string(outcome)));
    if (reason) s.bind(9, std::string(*reason));
    else if (n.unnormalised_reason) s.bind(9, *n.unnormalised_reason);
    else s.bind(9);
    s.bindNoCopy(10, n.raw.data(), static_cast<int>(n.raw.size()));
    if (message_row) s.bind(11, static_cast<std::int64_t>(*message_row)); else s.bind(11);
    s.exec();
  }

  core::outcome apply_message(const pending_write& w, counter_deltas& counters, bool& created) {
    const auto& n = w.n;
    const auto& m = *n.msg;
    const auto key = core::version_of(n);
    auto stored = rows_.load(m.id);
    if (!stored && n.stub) {
      // A deleted/purged stub carries no message to create (docs/sync.md).
      insert_event(w, std::nullopt, core::outcome::unnormalised, "stub_without_message");
      return core::outcome::unnormalised;
    }
    if (!stored) {
      created = true;
      const auto sort_key = rows_.place(m.creation_time.value_or(key.time), std::nullopt);
      const auto row = rows_.insert(sort_key, m, key);
      insert_event(w, row, core::outcome::applied);
      counters.add("messages.total", 1);
      counters.type_and_direction(m, 1);
      return core::outcome::applied;
    }
    if (key > stored->version) {
      core::message merged = stored->msg;
      core::merge_newer(merged, m);
      // Without a creationTime the message keeps the base of its oldest version.
      const auto sort_key =
          merged.creation_time ? rows_.place(*merged.creation_time, stored->sort_key) : stored->sort_key;
      rows_.rewrite(*stored, sort_key, merged, key);
      insert_event(w, stored->row_id, core::outcome::applied);
      counters.type_and_direction(stored->msg, -1);
      counters.type_and_direction(merged, 1);
      return core::outcome::applied;
    }
    // Stored before the refold, which reads every event of the message.
    insert_event(w, stored->row_id, core::outcome::stale);
    refold(*stored, counters);
    return core::outcome::stale;
  }

  // An older version arrived: fold every version of the message again in
  // version order, so the result is what in-order arrival would have given.
  void refold(const detail::stored_message& stored, counter_deltas& counters) {
    std::vector<core::message_version> versions;
    {
      reset_guard g{events_of_message_};
      events_of_message_.tryReset();
      events_of_message_.bind(1, static_cast<std::int64_t>(stored.row_id));
      while (events_of_message_.executeStep()) {
        const auto kind = core::event_kind_from_string(events_of_message_.getColumn(1).getString());
        if (!kind) continue;
        core::notification n;
        n.uuid = events_of_message_.getColumn(0).getString();
        if (!events_of_message_.getColumn(2).isNull()) n.timestamp = events_of_message_.getColumn(2).getInt64();
        n.msg = renormalise_(*kind, events_of_message_.getColumn(3).getString());
        if (!n.msg || n.msg->id != stored.msg.id) continue;
        auto key = core::version_of(n);
        versions.push_back({std::move(key), std::move(*n.msg)});
      }
    }
    auto folded = core::fold_versions(std::move(versions));
    if (!folded) return;
    const auto sort_key = rows_.place(folded->sort_base, stored.sort_key);
    rows_.rewrite(stored, sort_key, folded->msg, folded->newest);
    counters.type_and_direction(stored.msg, -1);
    counters.type_and_direction(folded->msg, 1);
  }

  void reject(const rejected_request& r, counter_deltas& counters) {
    auto& s = insert_rejected_;
    s.tryReset();
    s.bind(1, static_cast<std::int64_t>(r.received_at));
    s.bind(2, r.code);
    s.bind(3, r.message);
    s.bind(4, static_cast<std::int64_t>(r.size));
    s.bind(5, r.head.data(), static_cast<int>(r.head.size()));
    s.exec();
    const auto last = db_.getLastInsertRowid();
    trim_rejected_.tryReset();
    trim_rejected_.bind(1, static_cast<std::int64_t>(last - static_cast<std::int64_t>(opts_.rejected_max)));
    trim_rejected_.exec();
    counters.add("rejected.total", 1);
  }

  SQLite::Database& db_;
  const options& opts_;
  const renormaliser& renormalise_;
  detail::message_rows rows_;
  SQLite::Statement find_event_;
  SQLite::Statement insert_event_;
  SQLite::Statement events_of_message_;
  SQLite::Statement insert_rejected_;
  SQLite::Statement trim_rejected_;
  SQLite::Statement add_counter_;
};

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
          cv.wait_for(lk, std::chrono::seconds(1));
        }
        stats.last_loop = std::chrono::steady_clock::now();
        if (queue.empty()) return;
        queue.take(batch, std::max<std::size_t>(opts.batch_max, 1));
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
    }
  }

  // Runs each write's `done`: at once when nothing in the batch was stored,
  // else (synchronous=full) after the wal_syncer's fdatasync. A duplicate
  // waits too: the copy it duplicates may be in a batch not yet synced.
  void answer(std::vector<work>& batch, const std::vector<write_result>& results) {
    std::vector<std::pair<std::function<void(const write_result&)>, write_result>> answers;
    bool any_stored = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (auto* c = std::get_if<pending_checkpoint>(&batch[i]); c && c->done) {
        // Committed with its batch exactly when the batch's writes were.
        const bool committed = batch_committed;
        answers.emplace_back([done = std::move(c->done)](const write_result& r) { done(r.status == write_status::stored); },
                             write_result{committed ? write_status::stored : write_status::unavailable});
        any_stored = any_stored || committed;
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
  batch_applier applier;
  detail::checkpointer checkpoints;
  std::optional<detail::wal_syncer> syncer;  // synchronous=full only
  int wal_pages = 0;     // the WAL's size after the last commit (writer thread only)
  int requested_at = 0;  // the WAL's size when a pass was last asked for (writer thread only)
  bool batch_committed = false;  // whether the batch being answered committed (writer thread only)

  mutable std::mutex mu;
  std::condition_variable cv;
  // Guarded by mu: the queue, the waiters, the flags and stats below.
  detail::submission_queue queue{opts.queue_max};
  std::vector<std::function<void()>> room_waiters;  // when_room() callers
  bool stopping = false;
  bool started = false;
  bool joined = false;
  std::optional<std::uint64_t> max_page_count;
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
      impl_->queue.push(pending_write{std::move(n), std::move(done), now_ms()}, l);
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
  {
    std::lock_guard lk(impl_->mu);
    if (!impl_->stopping && impl_->queue.has_room(lane::background)) {
      impl_->queue.push(pending_checkpoint{std::move(cp), std::move(done)}, lane::background);
      impl_->stats.queue_depth = impl_->queue.size();
      impl_->stats.background_depth = impl_->queue.background_size();
      impl_->cv.notify_one();
      return true;
    }
    if (!impl_->stopping) return false;
  }
  if (done) done(false);
  return true;
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
  if (r.received_at == 0) r.received_at = now_ms();
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
