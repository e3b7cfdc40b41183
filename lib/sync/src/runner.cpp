#include "runner_impl.hpp"

#include "rcvault/log/log.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <pthread.h>

namespace rcvault::sync {
namespace asio = boost::asio;

bool pass_result::ok() const {
  if (error) return false;
  for (const auto& m : mailboxes)
    if (m.error || m.cancelled) return false;
  return true;
}

runner::impl::impl(runner_options o, accept::gateway& g)
    : opts(std::move(o)),
      client(io, opts.client),
      api(client),
      store(g),
      engine(api, store, opts.sync, io.get_executor()),
      holder(store::this_process_lease_name()) {}

bool runner::impl::try_lease(std::optional<store::sync_error>* why) {
  try {
    auto r = store::acquire_sync_lease(opts.store, holder, 3 * opts.sync.heartbeat);
    if (r) {
      lease_held = true;
      return true;
    }
    if (why) *why = store::sync_error{"lease", r.error().message};
    return false;
  } catch (const std::exception& e) {
    if (why) *why = store::sync_error{"lease", e.what()};
    return false;
  }
}

void runner::impl::show(const store::sync_checkpoint& st, std::optional<store::mailbox_state> state_override) {
  std::lock_guard lock(m);
  auto& s = shown[st.extension_id];
  s.extension_id = st.extension_id;
  s.state = state_override.value_or(st.state);
  s.last_sync = st.last_sync;
  s.last_full_sync = st.last_full_sync;
  s.records = st.records;
  s.error = st.error;
}

void runner::impl::show_syncing(const std::string& id) {
  std::lock_guard lock(m);
  auto& s = shown[id];
  s.extension_id = id;
  s.state = store::mailbox_state::syncing;
}

runner::runner(runner_options opts, accept::gateway& gateway)
    : impl_(std::make_unique<impl>(std::move(opts), gateway)) {}

runner::~runner() { stop(); }

void runner::start() {
  impl_->started = true;
  impl_->thread = std::thread([me = impl_.get()] {
    pthread_setname_np(pthread_self(), "rcvault-api");
    asio::co_spawn(me->io, me->serve_loop(), asio::bind_cancellation_slot(me->main_stop.slot(), asio::detached));
    try {
      me->io.run();
    } catch (const std::exception& e) {
      log::error("sync: the API thread ended error=\"{}\"", e.what());
    }
  });
}

pass_result runner::run_once(sync_kind kind, const std::vector<std::string>& only, const progress_fn& on_progress) {
  pass_result out;
  std::optional<store::sync_error> why;
  if (!impl_->try_lease(&why)) {
    out.error = why;
    return out;
  }
  auto* me = impl_.get();
  asio::co_spawn(me->io, me->heartbeat(), asio::bind_cancellation_slot(me->heartbeat_stop.slot(), asio::detached));
  asio::co_spawn(me->io, me->one_pass(kind, only, on_progress, out),
                 asio::bind_cancellation_slot(me->main_stop.slot(), asio::detached));
  me->io.run();
  store::release_sync_lease(me->opts.store, me->holder);
  me->lease_held = false;
  return out;
}

void runner::poke(std::string_view extension_id) {
  asio::post(impl_->io, [me = impl_.get(), id = std::string(extension_id)] {
    auto it = me->slots.find(id);
    if (it == me->slots.end()) {
      log::debug("sync: poke for a mailbox not synced extension={}", id);
      return;
    }
    auto soon = impl::clock::now() + me->opts.sync.poke_delay;
    it->second.poked = true;
    if (soon < it->second.due) it->second.due = soon;
    me->wake.cancel();
  });
}

void runner::poke_all() {
  asio::post(impl_->io, [me = impl_.get()] {
    const auto soon = impl::clock::now() + me->opts.sync.poke_delay;
    for (auto& [id, s] : me->slots) {
      s.poked = true;
      if (soon < s.due) s.due = soon;
    }
    log::info("sync: every mailbox asked for an incremental sync mailboxes={}", me->slots.size());
    me->wake.cancel();
  });
}

std::vector<std::string> runner::mailboxes() const {
  std::vector<std::string> out;
  std::lock_guard lock(impl_->m);
  for (const auto& [id, m] : impl_->shown) out.push_back(id);
  return out;
}

void runner::spawn(api_task task) {
  asio::post(impl_->io, [me = impl_.get(), task = std::move(task)]() mutable {
    if (me->stopping) return;
    auto& kept = me->tasks.emplace_back(std::move(task));
    auto& stop = me->task_stops.emplace_back();
    asio::co_spawn(me->io, kept(me->client), asio::bind_cancellation_slot(stop.slot(), asio::detached));
  });
}

void runner::stop() {
  auto* me = impl_.get();
  if (me->stopping.exchange(true)) {
    if (me->thread.joinable() && me->thread.get_id() != std::this_thread::get_id()) me->thread.join();
    return;
  }
  asio::post(me->io, [me] {
    me->client.cancel();
    me->main_stop.emit(asio::cancellation_type::terminal);
    me->heartbeat_stop.emit(asio::cancellation_type::terminal);
    for (auto& s : me->task_stops) s.emit(asio::cancellation_type::terminal);
    me->wake.cancel();
  });
  if (me->thread.joinable() && me->thread.get_id() != std::this_thread::get_id()) {
    me->thread.join();
    if (me->lease_held) store::release_sync_lease(me->opts.store, me->holder);
    me->lease_held = false;
  }
}

sync_status runner::status() const {
  sync_status s;
  s.token = impl_->client.status();
  std::lock_guard lock(impl_->m);
  for (const auto& [id, m] : impl_->shown) s.extensions.push_back(m);
  return s;
}

sync_metrics runner::metrics() const {
  sync_metrics out;
  out.client = impl_->client.stats();
  for (auto st : {store::mailbox_state::idle, store::mailbox_state::syncing, store::mailbox_state::backoff,
                  store::mailbox_state::forbidden, store::mailbox_state::gone, store::mailbox_state::failed})
    out.mailboxes[std::string(store::to_string(st))] = 0;
  std::lock_guard lock(impl_->m);
  out.records_total = impl_->records_total;
  for (const auto& [id, m] : impl_->shown) {
    ++out.mailboxes[std::string(store::to_string(m.state))];
    if (m.last_sync) out.last_success[id] = *m.last_sync;
  }
  return out;
}

}  // namespace rcvault::sync
