// The writer thread's side of a batch: one transaction applying every item
// (events, messages and their rows, the archive rows of their attachments,
// dead letters, sync checkpoints, the fetcher's attachment results, counters).
#include "batch_applier.hpp"

#include "attachment_rows.hpp"
#include "counter_names.hpp"
#include "message_removal.hpp"
#include "message_rows.hpp"
#include "raw_codec.hpp"
#include "raw_dictionary.hpp"
#include "retention.hpp"
#include "statement_guard.hpp"
#include "sync_rows.hpp"
#include "tombstones.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/core/version_fold.hpp"
#include "rcvault/log/log.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace rcvault::store::detail {
namespace {

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
class applier {
 public:
  applier(SQLite::Database& db, const options& opts, const renormaliser& renormalise)
      : db_(db),
        opts_(opts),
        renormalise_(renormalise),
        rows_(db),
        archive_(db),
        tombstones_(db),
        find_event_(db, "SELECT 1 FROM events WHERE uuid=?1"),
        insert_event_(db,
                      "INSERT INTO events(uuid, kind, event, subscription_id, owner_id, sent_at, received_at, "
                      "outcome, reason, raw, message_id, raw_dict) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
                      "ON CONFLICT(uuid) DO NOTHING"),
        events_of_message_(db, "SELECT uuid, kind, sent_at, raw, raw_dict FROM events WHERE message_id=?1"),
        insert_rejected_(db, "INSERT INTO rejected(received_at, code, message, size, head) VALUES(?1,?2,?3,?4,?5)"),
        trim_rejected_(db, "DELETE FROM rejected WHERE id <= ?1"),
        add_counter_(db,
                     "INSERT INTO counters(name, value) VALUES(?1, ?2) "
                     "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value"),
        codec_(db),
        trainer_(opts.raw_dictionary_samples) {}

  // Applies one batch in one IMMEDIATE transaction; returns false (all rolled
  // back) when any statement or the COMMIT failed.
  bool apply(std::vector<work>& batch, std::vector<write_result>& results) {
    counter_deltas counters;
    now_ = core::now_ms();
    install_trained_dictionary();
    try {
      db_.exec("BEGIN IMMEDIATE");
      codec_.refresh();
      // Under the write lock: tombstones committed by `rcvault erase` before
      // it are seen, and none can be committed until this batch ends.
      tombstones_.refresh();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (auto* w = std::get_if<pending_write>(&batch[i])) results[i] = write(*w, counters);
        else if (auto* r = std::get_if<rejected_request>(&batch[i])) reject(*r, counters);
        else if (auto* c = std::get_if<pending_checkpoint>(&batch[i])) detail::apply_sync_checkpoint(db_, c->cp);
        else apply_attachment_result(std::get<pending_attachment_result>(batch[i]).r, counters);
      }
      rows_.flush_text();
      write_counters(counters);
      db_.exec("COMMIT");
      return true;
    } catch (const std::exception& e) {
      log::error("store: batch failed, rolled back error=\"{}\" batch={}", e.what(), batch.size());
      rows_.discard_text();
      db_.tryExec("ROLLBACK");
      return false;
    }
  }

  bool retain(core::millis cutoff, const detail::retention_pace& pace) {
    counter_deltas counters;
    detail::retention_result r;
    const auto from = std::chrono::steady_clock::now();
    try {
      db_.exec("BEGIN IMMEDIATE");
      for (auto pieces = (pace.most + pace.piece - 1) / pace.piece; pieces > 0; --pieces) {
        const auto piece = retention_.step(cutoff, pace.piece, count_into(counters));
        r.messages += piece.messages;
        r.unnormalised_events += piece.unnormalised_events;
        r.rejected += piece.rejected;
        r.more = piece.more;
        if (!piece.more) break;
        if (pace.budget.count() && std::chrono::steady_clock::now() - from >= pace.budget) break;
      }
      write_counters(counters);
      db_.exec("COMMIT");
    } catch (const std::exception& e) {
      log::error("store: retention step failed, rolled back error=\"{}\"", e.what());
      db_.tryExec("ROLLBACK");
      return false;
    }
    if (r.messages.messages || r.unnormalised_events || r.rejected)
      log::debug("store: retention removed messages={} events={} rejected={}", r.messages.messages,
                 r.messages.events + r.unnormalised_events, r.rejected);
    try {
      detail::delete_unused_contents(db_, opts_.attachments_dir, r.messages.contents);
    } catch (const std::exception& e) {
      log::error("store: retention could not check attachment contents error=\"{}\"", e.what());
    }
    return r.more;
  }

 private:
  void write_counters(const counter_deltas& counters) {
    for (const auto& [name, delta] : counters.all()) {
      if (delta == 0) continue;
      add_counter_.tryReset();
      add_counter_.bind(1, name);
      add_counter_.bind(2, static_cast<std::int64_t>(delta));
      add_counter_.exec();
    }
  }

  // The cutoff of options::retention_days at the batch's time, if set.
  std::optional<core::millis> retention_cutoff() const {
    if (!opts_.retention_days) return std::nullopt;
    return now_ - static_cast<core::millis>(*opts_.retention_days) * 86'400'000;
  }

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
    // Refused items are acknowledged (as a duplicate: nothing changed) but
    // not stored, so a late update or a later sync cannot bring back what
    // retention or an erasure removed.
    if (const auto cutoff = retention_cutoff();
        cutoff && n.msg && n.msg->creation_time && *n.msg->creation_time < *cutoff) {
      counters.add("retention.refused", 1);
      return {write_status::duplicate, core::outcome::applied};
    }
    if (tombstones_.refuses(n)) {
      counters.add("erased.refused", 1);
      return {write_status::duplicate, core::outcome::applied};
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
    const auto raw = codec_.encode(n.raw);
    if (raw.dict == 0) trainer_.offer(n.raw);
    s.bindNoCopy(10, raw.bytes.data(), static_cast<int>(raw.bytes.size()));
    if (message_row) s.bind(11, static_cast<std::int64_t>(*message_row)); else s.bind(11);
    if (raw.dict) s.bind(12, static_cast<std::int64_t>(*raw.dict)); else s.bind(12);
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
      archive_.add(row, m, now_, count_into(counters));
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
      if (archive_changes(stored->msg, merged)) archive_.update(stored->row_id, merged, now_, count_into(counters));
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
        n.msg = renormalise_(*kind, codec_.decode(events_of_message_.getColumn(3), events_of_message_.getColumn(4)));
        if (!n.msg || n.msg->id != stored.msg.id) continue;
        auto key = core::version_of(n);
        versions.push_back({std::move(key), std::move(*n.msg)});
      }
    }
    auto folded = core::fold_versions(std::move(versions));
    if (!folded) return;
    const auto sort_key = rows_.place(folded->sort_base, stored.sort_key);
    rows_.rewrite(stored, sort_key, folded->msg, folded->newest);
    if (archive_changes(stored.msg, folded->msg))
      archive_.update(stored.row_id, folded->msg, now_, count_into(counters));
    counters.type_and_direction(stored.msg, -1);
    counters.type_and_direction(folded->msg, 1);
  }

  // Once the first dictionary's training has ended (first_dictionary_trainer),
  // writes it in a transaction of its own, between two batches, so that a
  // batch rolled back cannot take it along; the next batch's refresh() uses
  // it. A failure is logged and the writer goes on without a dictionary.
  void install_trained_dictionary() {
    auto d = trainer_.take();
    if (!d) return;
    try {
      const auto id = detail::insert_raw_dictionary(db_, *d);
      log::info("store: raw dictionary {} written ({} bytes, {} samples)", id, d->bytes.size(), d->samples);
    } catch (const std::exception& e) {
      log::error("store: raw dictionary not written error=\"{}\"", e.what());
    }
  }

  // Whether a new state of a message can change its archive rows: its
  // attachments, or its type (which decides whether a Text is skipped).
  static bool archive_changes(const core::message& before, const core::message& after) {
    return after.attachments && (after.attachments != before.attachments || after.type != before.type);
  }

  static detail::count_fn count_into(counter_deltas& counters) {
    return [&counters](std::string name, std::int64_t delta) { counters.add(std::move(name), delta); };
  }

  // A result for a row that is final already (or unknown) changes nothing:
  // the fetcher may report an attachment twice across a restart.
  void apply_attachment_result(const attachment_result& r, counter_deltas& counters) {
    if (!archive_.apply(r, now_, count_into(counters)))
      log::debug("store: attachment result ignored message_row={} attachment={} state={}", r.message_row,
                 r.attachment_id, to_string(r.state));
  }

  void reject(const rejected_request& r, counter_deltas& counters) {
    if (tombstones_.refuses_head(r.head)) {
      counters.add("erased.refused", 1);
      return;
    }
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
  detail::archive_rows archive_;
  detail::tombstone_check tombstones_;
  detail::retention retention_{db_};
  core::millis now_ = 0;  // the batch's time: updated_at of the archive rows it writes
  SQLite::Statement find_event_;
  SQLite::Statement insert_event_;
  SQLite::Statement events_of_message_;
  SQLite::Statement insert_rejected_;
  SQLite::Statement trim_rejected_;
  SQLite::Statement add_counter_;
  detail::raw_codec codec_;
  detail::first_dictionary_trainer trainer_;
};

}  // namespace

struct batch_applier::impl {
  impl(SQLite::Database& db, const options& opts, const renormaliser& renormalise) : a(db, opts, renormalise) {}
  applier a;
};

batch_applier::batch_applier(SQLite::Database& db, const options& opts, const renormaliser& renormalise)
    : impl_(std::make_unique<impl>(db, opts, renormalise)) {}

batch_applier::~batch_applier() = default;

bool batch_applier::apply(std::vector<work>& batch, std::vector<write_result>& results) {
  return impl_->a.apply(batch, results);
}

bool batch_applier::retain(core::millis cutoff, const retention_pace& pace) { return impl_->a.retain(cutoff, pace); }

}  // namespace rcvault::store::detail
