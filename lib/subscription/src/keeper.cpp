#include "rcvault/subscription/keeper.hpp"

#include "api_calls.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"
#include "rcvault/store/subscription_state.hpp"
#include "rcvault/subscription/filters.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <mutex>
#include <utility>

namespace rcvault::subscription {
namespace {

namespace asio = boost::asio;
using ringcentral::api_error;
using clock = std::chrono::steady_clock;

asio::awaitable<bool> cancelled() {
  auto cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() != asio::cancellation_type::none;
}

}  // namespace

struct keeper::impl {
  explicit impl(keeper_options opts) : o(std::move(opts)) {
    shown.address = o.address;
  }

  keeper_options o;
  // io thread only
  std::optional<std::string> known_id;    // the subscription kept now
  bool owed_recreation = false;           // one was lost; count it when a new one exists
  bool owed_sync = false;                 // one was replaced (new token); sync when the new one exists
  std::vector<disabled_filter> logged_disabled;
  std::optional<std::int64_t> lifetime_s;  // of the kept one, for the renewal point
  std::optional<std::int64_t> expires_at;

  mutable std::mutex m;
  keeper_status shown;

  void show_error(api_error e, std::optional<keeper_state> st = {}) {
    std::lock_guard lock(m);
    shown.error = std::move(e);
    if (st) shown.state = *st;
    if (shown.state == keeper_state::failed) shown.current.reset();
  }

  void show(const info& i) {
    std::lock_guard lock(m);
    shown.current = i;
    shown.error.reset();
    shown.state = i.status == "Blacklisted" ? keeper_state::blacklisted : keeper_state::active;
  }

  void log_disabled(const info& i) {
    if (i.disabled_filters == logged_disabled) return;
    for (const auto& d : i.disabled_filters)
      log::warning("subscription: RingCentral disabled a filter filter=\"{}\" reason={} message=\"{}\"", d.filter,
                   d.reason, d.message);
    logged_disabled = i.disabled_filters;
  }

  std::optional<store::subscription_record> stored() {
    try {
      return store::read_subscription(o.store, o.address);
    } catch (const std::exception& e) {
      log::warning("subscription: could not read the stored subscription error=\"{}\"", e.what());
      return std::nullopt;
    }
  }

  void remember(const info& i, const std::string& hash) {
    try {
      store::write_subscription(o.store, {o.address, i.id, hash, core::now_ms()});
    } catch (const std::exception& e) {
      log::warning("subscription: could not store the subscription error=\"{}\"", e.what());
    }
  }

  void keep(const info& i) {
    known_id = i.id;
    lifetime_s = i.expires_in;
    expires_at = i.expires_at_ms;
    log_disabled(i);
    show(i);
  }

  asio::awaitable<outcome> check(ringcentral::client& c);
};

asio::awaitable<outcome> keeper::impl::check(ringcentral::client& c) {
  {
    std::lock_guard lock(m);
    shown.last_check_ms = core::now_ms();
  }
  if (!o.verification_token) {
    show_error({0, "no_verification_token",
                "no verification token: rcvault refuses to subscribe without one; set ingest.verification_token "
                "(or _file, or the verification-token credential)",
                {}},
               keeper_state::failed);
    co_return outcome::failed;
  }
  const std::string hash = token_hash(*o.verification_token);
  auto tok = co_await c.ensure_token();
  if (!tok) {
    show_error(tok.error());
    co_return outcome::failed;
  }
  const std::string owner = tok->owner_id;
  const auto wanted = o.event_filters.empty() ? default_filters(o.mailboxes ? o.mailboxes() : std::vector<std::string>{})
                                              : o.event_filters;
  const auto record = stored();

  // Ours: by the id kept, else the one listed at our address.
  std::optional<info> found;
  if (known_id) {
    auto r = co_await detail::get_subscription(c, *known_id);
    if (r) {
      found = std::move(*r);
    } else if (r.error().http_status == 404) {
      log::warning("subscription: gone (404); creating it anew id={}", *known_id);
      owed_recreation = true;
    } else {
      show_error(r.error());
      co_return outcome::failed;
    }
  } else {
    auto r = co_await detail::list_subscriptions(c);
    if (!r) {
      show_error(r.error());
      co_return outcome::failed;
    }
    for (auto& s : *r) {
      if (s.address != o.address) continue;
      if (!found || (record && s.id == record->subscription_id)) found = s;
    }
    if (!found && record) {
      log::warning("subscription: the one created before is no longer listed; creating it anew id={}",
                   record->subscription_id);
      owed_recreation = true;
    }
  }
  if (found && found->address != o.address) found.reset();

  if (found && found->status == "Blacklisted") {
    log::warning("subscription: RingCentral blacklisted it; recreating id={} reason=\"{}\"", found->id,
                 found->blacklisted ? found->blacklisted->reason : "");
    show(*found);
    owed_recreation = true;
    if (auto d = co_await detail::delete_subscription(c, found->id); !d) {
      show_error(d.error());
      co_return outcome::failed;
    }
    found.reset();
  } else if (found && record && record->token_sha256 != hash) {
    log::info("subscription: the verification token changed; recreating id={}", found->id);
    if (auto d = co_await detail::delete_subscription(c, found->id); !d) {
      show_error(d.error());
      co_return outcome::failed;
    }
    owed_sync = true;
    found.reset();
  }

  if (!found) {
    known_id.reset();
    auto r = co_await detail::create_subscription(c, o.address, *o.verification_token, wanted, o.expires_in);
    if (!r) {
      if (r.error().code == "cancelled") co_return outcome::failed;  // stopping
      log::error("subscription: could not create it code={} error=\"{}\"", r.error().code, r.error().message);
      show_error(r.error(), keeper_state::failed);
      co_return outcome::failed;
    }
    remember(*r, hash);
    keep(*r);
    log::info("subscription: created id={} address={} expires={} filters={}", r->id, o.address, r->expiration_time,
              r->event_filters.size());
    if (!owed_recreation) {
      // Replaced for a new token: not a recreation, but the moments between
      // the delete and the create are a gap the sync fills all the same.
      if (std::exchange(owed_sync, false) && o.on_recreated) o.on_recreated();
      co_return outcome::created;
    }
    owed_recreation = false;
    owed_sync = false;
    {
      std::lock_guard lock(m);
      ++shown.recreations;
    }
    if (o.on_recreated) o.on_recreated();
    co_return outcome::recreated;
  }

  if (!record || record->subscription_id != found->id) remember(*found, hash);
  keep(*found);
  if (!same_filters(wanted, found->all_filters(), owner)) {
    auto r = co_await detail::update_filters(c, found->id, wanted, o.expires_in);
    if (!r) {
      show_error(r.error());
      co_return outcome::failed;
    }
    log::info("subscription: filters mended in place id={} filters={}", r->id, r->event_filters.size());
    keep(*r);
    co_return outcome::mended;
  }
  const std::int64_t lifetime = lifetime_s.value_or(o.expires_in.count());
  if (expires_at && *expires_at - core::now_ms() < lifetime * 1000 / 10) {
    auto r = co_await detail::renew_subscription(c, found->id);
    if (!r) {
      show_error(r.error());
      co_return outcome::failed;
    }
    log::info("subscription: renewed id={} expires={}", r->id, r->expiration_time);
    keep(*r);
    co_return outcome::renewed;
  }
  co_return outcome::kept;
}

keeper::keeper(keeper_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
keeper::~keeper() = default;

asio::awaitable<outcome> keeper::check(ringcentral::client& client) { return impl_->check(client); }

asio::awaitable<void> keeper::run(ringcentral::client& client) {
  auto& me = *impl_;
  if (!me.o.verification_token) {
    log::error("subscription: no verification token; rcvault refuses to subscribe without one (set "
               "ingest.verification_token, its _file, or the verification-token credential) address={}",
               me.o.address);
    co_await me.check(client);
    co_return;
  }
  asio::steady_timer timer(co_await asio::this_coro::executor);
  unsigned failures = 0;
  for (;;) {
    const auto out = co_await me.check(client);
    if (co_await cancelled()) co_return;
    clock::duration wait = me.o.check_interval;
    if (out == outcome::failed) {
      ++failures;
      const auto e = status().error;
      auto backoff = std::chrono::duration_cast<clock::duration>(me.o.retry_min) * (1u << std::min(failures - 1, 10u));
      // Never later than the check interval (nor sooner than retry_min).
      const auto cap = std::min<clock::duration>(me.o.retry_max, std::max<clock::duration>(me.o.check_interval, me.o.retry_min));
      wait = std::min<clock::duration>(backoff, cap);
      log::warning("subscription: trying again code={} seconds={:.0f} error=\"{}\"", e ? e->code : "",
                   std::chrono::duration<double>(wait).count(), e ? e->message : "");
    } else {
      failures = 0;
      if (me.expires_at) {
        const std::int64_t lifetime = me.lifetime_s.value_or(me.o.expires_in.count());
        const auto until_renewal = std::chrono::milliseconds(*me.expires_at - lifetime * 1000 / 10 - core::now_ms());
        wait = std::min<clock::duration>(wait, std::max<clock::duration>(until_renewal, std::chrono::seconds(1)));
      }
    }
    timer.expires_after(wait);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (co_await cancelled()) co_return;
  }
}

asio::awaitable<void> keeper::look(ringcentral::client& client) {
  auto& me = *impl_;
  {
    std::lock_guard lock(me.m);
    me.shown.last_check_ms = core::now_ms();
  }
  auto r = co_await detail::list_subscriptions(client);
  if (!r) {
    me.show_error(r.error(), keeper_state::failed);
    co_return;
  }
  for (const auto& s : *r) {
    if (s.address != me.o.address) continue;
    me.show(s);
    co_return;
  }
  std::lock_guard lock(me.m);
  me.shown.state = keeper_state::none;
  me.shown.current.reset();
}

asio::awaitable<ringcentral::api_result<unsigned>> keeper::remove(ringcentral::client& client) {
  auto& me = *impl_;
  auto r = co_await detail::list_subscriptions(client);
  if (!r) co_return r.error();
  unsigned n = 0;
  for (const auto& s : *r) {
    if (s.address != me.o.address) continue;
    if (auto d = co_await detail::delete_subscription(client, s.id); !d) co_return d.error();
    log::info("subscription: deleted id={} address={}", s.id, me.o.address);
    ++n;
  }
  try {
    store::forget_subscription(me.o.store, me.o.address);
  } catch (const std::exception& e) {
    log::warning("subscription: could not forget the stored subscription error=\"{}\"", e.what());
  }
  me.known_id.reset();
  co_return ringcentral::api_result<unsigned>(boost::system::in_place_value, n);
}

keeper_status keeper::status() const {
  std::lock_guard lock(impl_->m);
  return impl_->shown;
}

}  // namespace rcvault::subscription
