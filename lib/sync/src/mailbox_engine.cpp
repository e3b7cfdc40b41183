#include "rcvault/sync/mailbox_engine.hpp"

#include "io_flag.hpp"
#include "query_text.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"
#include "rcvault/sync/walk_back.hpp"

#include <fmt/format.h>

namespace rcvault::sync {
namespace asio = boost::asio;
using ringcentral::api_error;

namespace {

constexpr std::string_view sync_endpoint = "/restapi/v1.0/account/~/extension/{extensionId}/message-sync";

// Why a pass stopped early.
enum class stop_kind { token_refused, forbidden, gone, transient, permanent, store, cancelled };

struct failure {
  stop_kind kind;
  store::sync_error error;
};

failure classify(const api_error& e) {
  store::sync_error err{e.code.empty() ? fmt::format("http_{}", e.http_status) : e.code, e.message};
  if (e.code == "cancelled") return {stop_kind::cancelled, err};
  if (e.http_status == 403) return {stop_kind::forbidden, err};
  if (e.http_status == 404) return {stop_kind::gone, err};
  if (token_refused(e)) return {stop_kind::token_refused, err};
  if (e.code == "network" || e.code == "timeout" || e.code == "tls" || e.http_status == 429 || e.http_status >= 500)
    return {stop_kind::transient, err};
  return {stop_kind::permanent, err};
}

store::mailbox_state state_after(stop_kind k) {
  switch (k) {
    case stop_kind::forbidden: return store::mailbox_state::forbidden;
    case stop_kind::gone: return store::mailbox_state::gone;
    case stop_kind::transient: return store::mailbox_state::backoff;
    default: return store::mailbox_state::failed;
  }
}

// What the store answered for the records of one pass, counted on the io thread.
struct tally {
  std::uint64_t outstanding = 0;
  std::uint64_t stored = 0;
  std::uint64_t created = 0;
  std::uint64_t updated = 0;
  std::uint64_t lost = 0;  // unavailable or refused: nothing stored
  std::shared_ptr<detail::io_flag> drained;

  void count(const accept::outcome& o) {
    using st = accept::outcome::status;
    if (o.state == st::stored) {
      ++stored;
      if (o.message_created) ++created;
      else if (o.applied == core::outcome::applied) ++updated;
    } else if (o.state != st::duplicate) {
      ++lost;
    }
    if (--outstanding == 0 && drained) drained->set();
  }
};

struct commit_wait {
  explicit commit_wait(asio::any_io_executor ex) : flag(std::move(ex)) {}
  detail::io_flag flag;
  bool committed = false;
};

struct fetched {
  std::optional<ingest::sync_page> page;
  std::optional<failure> fail;
};

}  // namespace

struct mailbox_engine::relay : detail::relay {
  using detail::relay::relay;
};

// One pass over one mailbox: the state its coroutines share.
struct mailbox_engine::pass {
  mailbox_engine& e;
  store::sync_checkpoint& st;
  mailbox_report& rep;
  const progress_fn& on_progress;
  store::sync_checkpoint committed;  // the last checkpoint known committed
  std::int64_t base_records = committed.records;
  std::optional<store::sync_checkpoint> pending_cp;  // submitted, commit not yet seen
  std::shared_ptr<tally> counts = std::make_shared<tally>();
  std::shared_ptr<commit_wait> pending;

  void report_progress() const {
    if (on_progress)
      on_progress(progress{st.extension_id, rep.full, rep.pages, counts->stored + counts->outstanding, counts->stored});
  }

  std::string path(std::string_view query) const {
    return fmt::format("/restapi/v1.0/account/~/extension/{}/message-sync?{}", detail::query_escape(st.extension_id),
                       query);
  }

  asio::awaitable<fetched> fetch(std::string query) {
    auto r = co_await e.api_.get(path(query), ringcentral::rate_group::light, std::string(sync_endpoint));
    if (!r) co_return fetched{std::nullopt, classify(r.error())};
    auto page = ingest::parse_sync_page(r->body, st.extension_id);
    if (!page) {
      // Not a Message Sync answer: the mailbox fails and its token stays.
      co_return fetched{std::nullopt,
                        failure{stop_kind::permanent,
                                {std::string(core::code_name(page.error().code)), page.error().message}}};
    }
    ++rep.pages;
    co_return fetched{std::move(*page), std::nullopt};
  }

  asio::awaitable<void> wait_room() {
    auto flag = std::make_shared<detail::io_flag>(e.ex_);
    e.store_.when_room([r = e.relay_, flag] { r->post([flag] { flag->set(); }); });
    co_await flag->wait();
  }

  asio::awaitable<void> submit(core::notification& n) {
    for (;;) {
      ++counts->outstanding;
      auto done = [r = e.relay_, c = counts](const accept::outcome& o) { r->post([c, o] { c->count(o); }); };
      if (e.store_.try_accept(n, std::move(done))) co_return;
      --counts->outstanding;
      co_await wait_room();
    }
  }

  // Waits for the previous checkpoint's commit; a failure when it (or a
  // record before it) was not stored, and `st` goes back to what is.
  asio::awaitable<std::optional<failure>> settle() {
    if (pending) {
      co_await pending->flag.wait();
      auto p = std::exchange(pending, nullptr);
      if (!p->committed) {
        st = committed;
        co_return failure{stop_kind::store, {"store", "the store did not commit a checkpoint"}};
      }
    }
    if (counts->lost > 0) {
      st = committed;
      co_return failure{stop_kind::store, {"store", "the store did not take every record"}};
    }
    co_return std::nullopt;
  }

  // Waits until every record submitted was answered.
  asio::awaitable<void> drain() {
    while (counts->outstanding > 0) {
      counts->drained = std::make_shared<detail::io_flag>(e.ex_);
      co_await counts->drained->wait();
    }
    counts->drained.reset();
  }

  asio::awaitable<void> checkpoint() {
    // Records not answered yet are counted as stored; the pass's last
    // checkpoint corrects the count once every answer is in.
    st.records = base_records + static_cast<std::int64_t>(counts->stored + counts->outstanding);
    auto wait = std::make_shared<commit_wait>(e.ex_);
    auto cp = st;
    for (;;) {
      auto copy = cp;
      auto done = [r = e.relay_, wait](bool ok) {
        r->post([wait, ok] {
          wait->committed = ok;
          wait->flag.set();
        });
      };
      if (e.store_.try_checkpoint(std::move(copy), std::move(done))) break;
      co_await wait_room();
    }
    pending = wait;
    pending_cp = std::move(cp);
  }

  // After a settle() that succeeded: the pending checkpoint is what is stored.
  void mark_committed() {
    if (pending_cp) {
      committed = std::move(*pending_cp);
      pending_cp.reset();
    }
  }

  asio::awaitable<std::optional<failure>> settle_and_mark() {
    auto f = co_await settle();
    if (!f) mark_committed();
    co_return f;
  }

  asio::awaitable<std::optional<failure>> full() {
    rep.full = true;
    for (;;) {
      auto& cur = *st.full;
      std::string q = fmt::format("syncType=FSync&recordCount={}&dateFrom={}", e.opts_.record_count,
                                  detail::query_escape(core::format_iso8601(cur.date_from)));
      if (cur.date_to) q += "&dateTo=" + detail::query_escape(core::format_iso8601(*cur.date_to));
      auto got = co_await fetch(std::move(q));
      if (got.fail) co_return got.fail;
      auto& page = *got.page;
      walk_step step = plan_full_page(cur, page);
      if (step.stalled)
        log::info("sync: a full-sync page brought no new id; the walk-back moves on extension={} date_to={}",
                  st.extension_id, core::format_iso8601(*step.next_date_to));
      if (auto f = co_await settle_and_mark()) co_return f;
      for (std::size_t i : step.submit) co_await submit(page.records[i].n);
      // The first page's token is kept aside until the walk-back ends.
      if (cur.first_token.empty()) cur.first_token = page.info.sync_token;
      if (step.done) {
        st.sync_token = cur.first_token;
        st.full.reset();
        st.last_full_sync = st.last_sync = core::now_ms();
        st.state = store::mailbox_state::idle;
        st.error.reset();
      } else {
        cur.date_to = step.next_date_to;
        cur.seen = std::move(step.next_seen);
        st.state = store::mailbox_state::syncing;
      }
      co_await checkpoint();
      report_progress();
      if (!st.full) co_return std::nullopt;
    }
  }

  asio::awaitable<std::optional<failure>> incremental() {
    for (;;) {
      std::string q = fmt::format("syncType=ISync&syncToken={}&recordCount={}", detail::query_escape(*st.sync_token),
                                  e.opts_.record_count);
      auto got = co_await fetch(std::move(q));
      if (got.fail) co_return got.fail;
      auto& page = *got.page;
      if (auto f = co_await settle_and_mark()) co_return f;
      for (auto& r : page.records) co_await submit(r.n);
      const bool more = page.info.older_records_exist || page.records.size() >= e.opts_.record_count;
      st.sync_token = page.info.sync_token;
      if (more) {
        st.state = store::mailbox_state::syncing;
      } else {
        st.last_sync = core::now_ms();
        st.state = store::mailbox_state::idle;
        st.error.reset();
      }
      co_await checkpoint();
      report_progress();
      if (!more) co_return std::nullopt;
    }
  }

  store::full_sync_progress fresh_full() const { return store::full_sync_progress{"", e.full_sync_from(), {}, {}}; }
};

mailbox_engine::mailbox_engine(api_port& api, store_port& store, options opts, asio::any_io_executor ex)
    : api_(api), store_(store), opts_(std::move(opts)), ex_(ex), relay_(std::make_shared<relay>(ex)) {}

mailbox_engine::~mailbox_engine() { relay_->close(); }

core::millis mailbox_engine::full_sync_from() const {
  core::millis from = opts_.since;
  if (opts_.retention_days)
    from = std::max(from, core::now_ms() - static_cast<core::millis>(*opts_.retention_days) * 86'400'000);
  return from;
}

// GCC 12 warns that the coroutine frame, allocated by Asio's aligned_new, is
// freed by Asio's matching operator delete: a false positive of inlining
// (-Wmismatched-new-delete), so it is silenced for this function only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
asio::awaitable<mailbox_report> mailbox_engine::run(store::sync_checkpoint& state, sync_kind kind,
                                                    const progress_fn& on_progress) {
  const auto started = std::chrono::steady_clock::now();
  mailbox_report rep;
  rep.extension_id = state.extension_id;
  pass p{*this, state, rep, on_progress, state, state.records, std::nullopt, std::make_shared<tally>(), nullptr};

  if (kind == sync_kind::full || (!state.sync_token && !state.full)) state.full = p.fresh_full();
  std::optional<failure> fail;
  if (state.full) {
    fail = co_await p.full();
  } else {
    fail = co_await p.incremental();
    if (fail && fail->kind == stop_kind::token_refused) {
      log::warning("sync: RingCentral refused the sync token; a full sync follows extension={} code={}",
                   state.extension_id, fail->error.code);
      co_await p.settle_and_mark();
      state.sync_token.reset();
      state.full = p.fresh_full();
      fail = co_await p.full();
    }
  }

  if (!fail || fail->kind != stop_kind::cancelled) {
    // Everything submitted is answered before the pass reports.
    if (auto f = co_await p.settle_and_mark(); f && !fail) fail = f;
    co_await p.drain();
    if (fail && fail->kind != stop_kind::store) {
      state.state = state_after(fail->kind);
      state.error = fail->error;
      co_await p.checkpoint();
      if (auto f = co_await p.settle_and_mark()) fail = f;
    } else if (!fail && state.records != p.base_records + static_cast<std::int64_t>(p.counts->stored)) {
      co_await p.checkpoint();  // the record count, now that every answer is in
      if (auto f = co_await p.settle_and_mark()) fail = f;
    }
  }

  rep.records = p.counts->stored;
  rep.created = p.counts->created;
  rep.updated = p.counts->updated;
  rep.state = state.state;
  if (fail) {
    rep.error = fail->error;
    rep.cancelled = fail->kind == stop_kind::cancelled;
    if (fail->kind == stop_kind::store) rep.state = store::mailbox_state::failed;
    if (!rep.cancelled)
      log::warning("sync: mailbox failed extension={} state={} code={} error=\"{}\"", state.extension_id,
                   store::to_string(rep.state), fail->error.code, fail->error.message);
  }
  rep.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  co_return rep;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace rcvault::sync
