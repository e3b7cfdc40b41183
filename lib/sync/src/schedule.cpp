#include "runner_impl.hpp"

#include "rcvault/log/log.hpp"
#include "rcvault/sync/due.hpp"
#include "rcvault/sync/extension_list.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/resource.h>
#include <unistd.h>

namespace rcvault::sync {
namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view extension_list_endpoint = "/restapi/v1.0/account/~/extension";

// Waits until `tp`; false when the wait was cut short (a poke, or stop).
asio::awaitable<bool> wait_until(asio::steady_timer& t, clock::time_point tp) {
  t.expires_at(tp);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

// serve: the API thread runs at nice 10, so that the webhook's threads win
// the CPU while a sync parses pages (docs/performance.md). Only this thread.
void lower_this_threads_priority() {
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0)
    log::warning("sync: could not lower the API thread's priority error=\"{}\"", std::strerror(errno));
}

store::sync_error error_of(const ringcentral::api_error& e) {
  return {e.code.empty() ? "http_" + std::to_string(e.http_status) : e.code, e.message};
}

}  // namespace

asio::awaitable<runner::impl::resolved> runner::impl::resolve(const std::vector<std::string>& only) {
  resolved out;
  if (!only.empty()) {
    out.ids = only;
    co_return out;
  }
  switch (opts.sync.selection) {
    case mailbox_selection::list:
      out.ids = opts.sync.extensions;
      break;
    case mailbox_selection::own: {
      auto t = co_await api.ensure_token();
      if (!t) out.error = error_of(t.error());
      else if (t->owner_id.empty()) out.error = store::sync_error{"invalid_response", "the token names no owner_id"};
      else out.ids.push_back(t->owner_id);
      break;
    }
    case mailbox_selection::all: {
      for (unsigned page = 1;; ++page) {
        auto r = co_await api.get(extension_list_path(page), ringcentral::rate_group::medium,
                                  std::string(extension_list_endpoint));
        if (!r) {
          out.error = error_of(r.error());
          break;
        }
        auto parsed = parse_extension_page(r->body);
        if (!parsed) {
          out.error = store::sync_error{std::string(core::code_name(parsed.error().code)), parsed.error().message};
          break;
        }
        out.ids.insert(out.ids.end(), parsed->ids.begin(), parsed->ids.end());
        if (!parsed->more || parsed->ids.empty()) break;
      }
      break;
    }
  }
  std::sort(out.ids.begin(), out.ids.end());
  out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
  co_return out;
}

void runner::impl::adopt(const std::vector<std::string>& ids) {
  std::map<std::string, store::sync_checkpoint, std::less<>> stored;
  try {
    for (auto& cp : store::read_sync_states(opts.store)) stored.emplace(cp.extension_id, std::move(cp));
  } catch (const std::exception& e) {
    log::error("sync: could not read the stored sync state error=\"{}\"", e.what());
  }
  // An extension that left the list stops syncing and keeps its messages.
  for (auto it = slots.begin(); it != slots.end();) {
    if (std::binary_search(ids.begin(), ids.end(), it->first)) {
      ++it;
    } else {
      log::info("sync: mailbox no longer listed; it stops syncing extension={}", it->first);
      {
        std::lock_guard lock(m);
        shown.erase(it->first);
      }
      it = slots.erase(it);
    }
  }
  const auto now = clock::now();
  for (const auto& id : ids) {
    if (slots.contains(id)) continue;
    slot s;
    if (auto f = stored.find(id); f != stored.end()) s.st = f->second;
    else s.st.extension_id = id;
    s.due = now;
    show(s.st);
    slots.emplace(id, std::move(s));
  }
}

asio::awaitable<mailbox_report> runner::impl::sync_slot(slot& s, sync_kind kind, const progress_fn& on_progress) {
  show_syncing(s.st.extension_id);
  s.poked = false;
  // /v1/sync's records move with each page the store committed, not only when the pass ends.
  const std::int64_t before = s.st.records;
  const progress_fn each_page = [this, before, &on_progress](const progress& p) {
    {
      std::lock_guard lock(m);
      shown[p.extension_id].records = before + static_cast<std::int64_t>(p.stored);
    }
    if (on_progress) on_progress(p);
  };
  auto rep = co_await engine.run(s.st, kind, each_page);
  show(s.st, rep.state);
  {
    std::lock_guard lock(m);
    records_total += rep.records;
  }
  if (!rep.cancelled)
    log::info("sync: mailbox synced extension={} kind={} records={} new={} updated={} pages={} ms={} state={}",
              rep.extension_id, rep.full ? "full" : "incremental", rep.records, rep.created, rep.updated, rep.pages,
              rep.elapsed.count(), store::to_string(rep.state));
  co_return rep;
}

asio::awaitable<void> runner::impl::heartbeat() {
  asio::steady_timer t(io);
  for (;;) {
    if (!co_await wait_until(t, clock::now() + opts.sync.heartbeat) || stopping) co_return;
    try {
      if (!store::renew_sync_lease(opts.store, holder)) {
        log::error("sync: another process took the sync lease over; this one stops syncing holder=\"{}\"", holder);
        lease_held = false;
        client.cancel();
        main_stop.emit(asio::cancellation_type::terminal);
        wake.cancel();
        co_return;
      }
    } catch (const std::exception& e) {
      log::warning("sync: could not renew the sync lease error=\"{}\"", e.what());
    }
  }
}

asio::awaitable<void> runner::impl::one_pass(sync_kind kind, std::vector<std::string> only, progress_fn on_progress,
                                             pass_result& out) {
  try {
    auto r = co_await resolve(only);
    if (r.error) {
      out.error = r.error;
    } else {
      adopt(r.ids);
      for (auto& id : r.ids) {
        if (stopping) break;
        auto it = slots.find(id);
        if (it == slots.end()) continue;
        out.mailboxes.push_back(co_await sync_slot(it->second, kind, on_progress));
        if (out.mailboxes.back().cancelled) break;
      }
    }
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) out.error = store::sync_error{"internal", e.what()};
  }
  // Nothing may keep the io_context running after the pass: the heartbeat's
  // timer, or a wait the client scheduled (a token refresh ahead of expiry).
  heartbeat_stop.emit(asio::cancellation_type::terminal);
  client.cancel();
}

asio::awaitable<void> runner::impl::serve_loop() {
  const auto& o = opts.sync;
  lower_this_threads_priority();
  try {
    std::optional<store::sync_error> why;
    while (!try_lease(&why)) {
      log::warning("sync: another process syncs this database; trying again later error=\"{}\"",
                   why ? why->message : "");
      if (!co_await wait_until(wake, clock::now() + o.interval) && stopping) co_return;
    }
    asio::co_spawn(io, heartbeat(), asio::bind_cancellation_slot(heartbeat_stop.slot(), asio::detached));

    bool resolved_once = false;
    clock::time_point next_list = clock::now();
    for (;;) {
      if (stopping) co_return;
      const bool relist = o.selection == mailbox_selection::all;
      if (!resolved_once || (relist && clock::now() >= next_list)) {
        auto r = co_await resolve({});
        if (r.error) {
          log::warning("sync: could not resolve the mailboxes code={} error=\"{}\"", r.error->code, r.error->message);
          next_list = next_listing(true, clock::now(), o);
          if (!resolved_once) {
            co_await wait_until(wake, next_list);
            continue;
          }
        } else {
          adopt(r.ids);
          resolved_once = true;
          next_list = next_listing(false, clock::now(), o);
        }
      }
      auto next = std::min_element(slots.begin(), slots.end(),
                                   [](const auto& a, const auto& b) { return a.second.due < b.second.due; });
      clock::time_point until = relist ? next_list : clock::time_point::max();
      if (next != slots.end() && next->second.due <= clock::now()) {
        auto& s = next->second;
        auto rep = co_await sync_slot(s, sync_kind::automatic, {});
        if (rep.cancelled || stopping) co_return;
        s.due = next_sync(pass_outcome{rep.error.has_value(), rep.state, s.poked}, s.failures, clock::now(), o);
        continue;
      }
      if (next != slots.end()) until = std::min(until, next->second.due);
      co_await wait_until(wake, until);
    }
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) log::error("sync: the sync loop ended error=\"{}\"", e.what());
  }
}

}  // namespace rcvault::sync
