#include "rcvault/attachments/fetcher.hpp"

#include "failure.hpp"
#include "io_event.hpp"
#include "rcvault/attachments/content_store.hpp"
#include "rcvault/attachments/source_uri.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"

#include <boost/asio/this_coro.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <vector>
#include <utility>

namespace rcvault::attachments {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

using row_key = std::pair<std::int64_t, std::string>;

// The results of one batch in flight to the writer, counted on the io thread.
struct commits {
  std::size_t outstanding = 0;
  std::size_t failed = 0;
  std::shared_ptr<detail::io_event> waiter;  // set while the batch's end waits for the last commit
};

// Why one download did not end in a result for the writer.
enum class no_result { stopping, folder, token };

struct attempt {
  std::optional<store::attachment_result> result;
  no_result why = no_result::stopping;
  std::string error;  // folder / token: what to show
};

}  // namespace

struct fetcher::impl {
  impl(fetcher_options opts, store::writer& w) : o(std::move(opts)), writer(w), files(o.dir) {
    if (!o.free_space) o.free_space = [](const std::filesystem::path& p) { return free_bytes_of(p); };
    shown.min_free_bytes = o.min_free_bytes;
  }

  fetcher_options o;
  store::writer& writer;
  content_store files;
  std::shared_ptr<detail::relay> relay = std::make_shared<detail::relay>();
  std::atomic<bool> poked{false};

  // io thread only
  asio::steady_timer* sleeper = nullptr;  // the idle sleep a poke ends
  std::unique_ptr<store::attachment_queue> queue;

  // any thread, under m
  mutable std::mutex m;
  fetcher_status shown;

  void show_error(std::string e) {
    std::lock_guard lock(m);
    shown.last_error = std::move(e);
    shown.last_error_at = core::now_ms();
  }

  // Looks at the free space; true when downloads may go on.
  bool space_ok() {
    const auto free = o.free_space(o.dir);
    const bool ok = !free || *free >= o.min_free_bytes;
    bool was_paused = false;
    {
      std::lock_guard lock(m);
      was_paused = shown.paused;
      shown.free_bytes = free;
      shown.paused = !ok;
    }
    if (!ok && !was_paused)
      log::warning("attachments: paused, free space under attachments.min_free_bytes dir={} free_bytes={} "
                   "min_free_bytes={}",
                   o.dir.string(), *free, o.min_free_bytes);
    if (ok && was_paused) log::info("attachments: resumed, free space is back dir={}", o.dir.string());
    return ok;
  }

  // The folder ready and the queue open; false (shown) when not.
  bool ready() {
    if (!queue) {
      if (auto p = files.prepare(); !p) {
        log::error("attachments: cannot prepare attachments.dir error=\"{}\"", p.error().message);
        show_error(p.error().message);
        return false;
      }
      try {
        queue = std::make_unique<store::attachment_queue>(o.store);
      } catch (const std::exception& e) {
        log::error("attachments: cannot open the archive queue error=\"{}\"", e.what());
        show_error(e.what());
        return false;
      }
    }
    return true;
  }

  asio::awaitable<attempt> download(ringcentral::client& client, const store::archived_attachment& row);
  asio::awaitable<bool> submit(store::attachment_result r, const std::shared_ptr<commits>& batch,
                               const asio::cancellation_state& cs);
  // Downloads `rows` and waits for their results' commits. Returns false
  // when it stopped early (stopping, paused, or a problem shown).
  asio::awaitable<bool> process(ringcentral::client& client, const std::vector<store::archived_attachment>& rows,
                                const asio::cancellation_state& cs, drain_report* report);
  void count(const store::attachment_result& r);
};

asio::awaitable<attempt> fetcher::impl::download(ringcentral::client& client, const store::archived_attachment& row) {
  attempt out;
  if (!row.uri) {
    // Such a row is skipped by the writer; a pending one without uri is a bug to show, not to retry often.
    store::attachment_result r;
    r.message_row = row.message_row;
    r.attachment_id = row.attachment_id;
    r.state = store::archive_state::failed;
    r.reason = "no uri to download from";
    r.retry_at = core::now_ms() + o.retry_max.count();
    out.result = std::move(r);
    co_return out;
  }
  auto staged = files.stage();
  if (!staged) {
    out.why = no_result::folder;
    out.error = staged.error().message;
    co_return out;
  }
  auto& file = **staged;
  bool write_failed = false;
  const auto started = steady::now();
  auto got = co_await client.download(source_uri(*row.uri, o.server), ringcentral::rate_group::medium,
                                      static_cast<std::size_t>(o.max_bytes), [&](std::string_view chunk) {
                                        if (file.write(chunk)) return true;
                                        write_failed = true;
                                        return false;
                                      });
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started).count();
  if (!got) {
    const auto& e = got.error();
    if (write_failed) {
      out.why = no_result::folder;
      out.error = file.error();
      co_return out;
    }
    if (e.code == "cancelled") co_return out;  // stopping
    if (e.code == "token_refused") {
      out.why = no_result::token;
      out.error = detail::reason_of(e);
      co_return out;
    }
    auto r = detail::failure_result(row, e, core::now_ms(),
                                    detail::retry_policy{o.retry_min, o.retry_max, o.rate_limited_wait});
    log::info("attachments: not downloaded message_id={} attachment_id={} state={} reason=\"{}\" ms={}",
              row.message_id, row.attachment_id, store::to_string(r.state), r.reason.value_or(""), ms);
    out.result = std::move(r);
    co_return out;
  }
  auto kept = file.keep();
  if (!kept) {
    out.why = no_result::folder;
    out.error = kept.error().message;
    co_return out;
  }
  store::attachment_result r;
  r.message_row = row.message_row;
  r.attachment_id = row.attachment_id;
  r.state = store::archive_state::stored;
  r.sha256 = kept->sha256;
  r.bytes = static_cast<std::int64_t>(kept->bytes);
  if (auto ct = got->headers.find("content-type"); ct != got->headers.end() && !ct->second.empty())
    r.stored_type = ct->second;
  else
    r.stored_type = row.content_type;
  log::debug("attachments: downloaded message_id={} attachment_id={} bytes={} sha256={} kept_before={} ms={}",
             row.message_id, row.attachment_id, kept->bytes, kept->sha256, kept->already_there, ms);
  out.result = std::move(r);
  co_return out;
}

void fetcher::impl::count(const store::attachment_result& r) {
  std::lock_guard lock(m);
  ++shown.results[std::string(store::to_string(r.state))];
  if (r.state == store::archive_state::stored) {
    ++shown.downloaded;
    shown.bytes += static_cast<std::uint64_t>(r.bytes.value_or(0));
  } else if (r.state == store::archive_state::failed) {
    shown.last_error = r.reason;
    shown.last_error_at = core::now_ms();
  }
}

asio::awaitable<bool> fetcher::impl::submit(store::attachment_result r, const std::shared_ptr<commits>& batch,
                                            const asio::cancellation_state& cs) {
  const auto ex = co_await asio::this_coro::executor;
  for (;;) {
    ++batch->outstanding;
    auto done = [this, relay = relay, batch, r](bool committed) {
      relay->post([this, batch, r = std::move(r), committed] {
        if (committed) count(r);
        else ++batch->failed;
        if (--batch->outstanding == 0 && batch->waiter) batch->waiter->set();
      });
    };
    if (writer.submit_attachment_result(r, std::move(done))) co_return true;
    --batch->outstanding;
    // The background lane is full (a sync is storing pages): wait for room.
    auto room = std::make_shared<detail::io_event>(ex);
    writer.when_room([relay = relay, room] { relay->post([room] { room->set(); }); });
    if (!co_await room->wait(cs)) co_return false;
  }
}

asio::awaitable<bool> fetcher::impl::process(ringcentral::client& client,
                                             const std::vector<store::archived_attachment>& rows,
                                             const asio::cancellation_state& cs, drain_report* report) {
  const auto ex = co_await asio::this_coro::executor;
  auto batch = std::make_shared<commits>();
  bool whole = true;
  for (const auto& row : rows) {
    if (detail::cancelled(cs) || !space_ok()) {
      whole = false;
      break;
    }
    auto a = co_await download(client, row);
    if (!a.result) {
      if (a.why == no_result::folder) log::error("attachments: cannot write the content error=\"{}\"", a.error);
      if (a.why == no_result::token) log::warning("attachments: no access token, waiting error=\"{}\"", a.error);
      if (a.why != no_result::stopping) show_error(a.error);
      if (report && a.why != no_result::stopping) report->error = a.error;
      whole = false;
      break;
    }
    if (report) ++(a.result->state == store::archive_state::stored ? report->stored : report->not_stored);
    if (!co_await submit(std::move(*a.result), batch, cs)) {
      whole = false;
      break;
    }
  }
  // Nothing is taken from the queue again before these rows' results are
  // committed: a row still pending there would be downloaded twice.
  if (batch->outstanding > 0) {
    batch->waiter = std::make_shared<detail::io_event>(ex);
    if (!co_await batch->waiter->wait(cs)) co_return false;
  }
  if (batch->failed > 0) {
    const std::string e = "the store did not commit " + std::to_string(batch->failed) + " attachment results";
    log::error("attachments: {}", e);
    show_error(e);
    if (report) report->error = e;
    co_return false;
  }
  co_return whole;
}

fetcher::fetcher(fetcher_options opts, store::writer& w) : impl_(std::make_unique<impl>(std::move(opts), w)) {}

fetcher::~fetcher() { impl_->relay->close(); }

asio::awaitable<void> fetcher::run(ringcentral::client& client) {
  auto& d = *impl_;
  co_await asio::this_coro::throw_if_cancelled(false);
  const auto cs = co_await asio::this_coro::cancellation_state;
  const auto ex = co_await asio::this_coro::executor;
  d.relay->open(ex);
  asio::steady_timer sleeper(ex);
  d.sleeper = &sleeper;
  {
    std::lock_guard lock(d.m);
    d.shown.running = true;
  }
  log::info("attachments: downloading into dir={} max_bytes={} min_free_bytes={}", d.o.dir.string(), d.o.max_bytes,
            d.o.min_free_bytes);
  try {
    while (!detail::cancelled(cs)) {
      if (!d.ready() || !d.space_ok()) {
        co_await detail::sleep_for(sleeper, d.o.space_wait, cs);
        continue;
      }
      d.poked = false;
      const auto now = core::now_ms();
      std::vector<store::archived_attachment> rows;
      std::optional<core::millis> next;
      bool read = false;
      try {
        rows = d.queue->due(now, d.o.batch);
        if (rows.empty()) next = d.queue->next_retry(now);
        read = true;
      } catch (const std::exception& e) {
        // A busy or failing database: the fetcher goes on once it answers again.
        log::error("attachments: cannot read the archive queue error=\"{}\"", e.what());
        d.show_error(e.what());
      }
      if (!read) {
        co_await detail::sleep_for(sleeper, d.o.space_wait, cs);
        continue;
      }
      if (!rows.empty()) {
        if (!co_await d.process(client, rows, cs, nullptr) && !detail::cancelled(cs)) {
          bool paused = false;
          {
            std::lock_guard lock(d.m);
            paused = d.shown.paused;
          }
          // Paused is looked at again at the top; a folder, token or store problem waits a while.
          if (!paused) co_await detail::sleep_for(sleeper, d.o.space_wait, cs);
        }
        continue;
      }
      auto wait = std::chrono::duration_cast<steady::duration>(d.o.idle_wait);
      if (next)
        wait = std::min(wait, std::chrono::duration_cast<steady::duration>(std::chrono::milliseconds(*next - now)));
      if (!d.poked) co_await detail::sleep_for(sleeper, wait, cs);
      // Messages come in bursts: one look after the burst instead of one per message.
      if (d.poked) co_await detail::sleep_for(sleeper, d.o.poke_delay, cs);
    }
  } catch (const std::exception& e) {
    log::error("attachments: the fetcher stopped error=\"{}\"", e.what());
    d.show_error(e.what());
  }
  d.sleeper = nullptr;
  d.relay->close();
  {
    std::lock_guard lock(d.m);
    d.shown.running = false;
  }
}

asio::awaitable<drain_report> fetcher::drain(ringcentral::client& client) {
  auto& d = *impl_;
  drain_report report;
  co_await asio::this_coro::throw_if_cancelled(false);
  const auto cs = co_await asio::this_coro::cancellation_state;
  d.relay->open(co_await asio::this_coro::executor);
  try {
    if (!d.ready()) {
      std::lock_guard lock(d.m);
      report.error = d.shown.last_error;
    } else {
      // Rows tried in this pass: one that failed is not due again before its
      // retry, but a result the store did not apply must not loop.
      std::set<std::pair<std::int64_t, std::string>> seen;
      const auto started = core::now_ms();
      while (!detail::cancelled(cs)) {
        if (!d.space_ok()) {
          report.paused = true;
          break;
        }
        auto rows = d.queue->due(started, d.o.batch);
        std::erase_if(rows, [&](const store::archived_attachment& r) {
          return !seen.emplace(r.message_row, r.attachment_id).second;
        });
        if (rows.empty()) break;
        if (!co_await d.process(client, rows, cs, &report)) {
          std::lock_guard lock(d.m);
          report.paused = d.shown.paused;
          break;
        }
      }
    }
  } catch (const std::exception& e) {
    log::error("attachments: downloading stopped error=\"{}\"", e.what());
    d.show_error(e.what());
    report.error = e.what();
  }
  d.relay->close();
  co_return report;
}

void fetcher::poke() {
  auto& d = *impl_;
  if (d.poked.exchange(true)) return;  // one look already asked for
  d.relay->post([me = impl_.get()] {
    if (me->sleeper) me->sleeper->cancel();
  });
}

fetcher_status fetcher::status() const {
  std::lock_guard lock(impl_->m);
  return impl_->shown;
}

}  // namespace rcvault::attachments
