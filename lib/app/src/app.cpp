#include "rcvault/app/app.hpp"
#include "attachment_fetcher.hpp"
#include "attachment_metrics.hpp"
#include "store_options.hpp"
#include "subscription_metrics.hpp"
#include "subscription_options.hpp"
#include "sync_metrics.hpp"
#include "sync_options.hpp"

#include "rcvault/accept/gateway.hpp"
#include "rcvault/app/systemd_notify.hpp"
#include "rcvault/http/metrics.hpp"
#include "rcvault/http/service.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/log/log.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/reader_pool.hpp"
#include "rcvault/store/writer.hpp"
#include "rcvault/subscription/keeper.hpp"
#include "rcvault/sync/runner.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <system_error>

namespace rcvault::app {

using detail::store_options;

namespace asio = boost::asio;

namespace {

constexpr std::size_t reader_threads = 2;
constexpr auto drain_poll = std::chrono::milliseconds(10);

http::listen_spec listen_spec_of(const config::listen_address& a) {
  return http::listen_spec{a.host, a.port, a.unix_path};
}

http::service_options service_options_of(const config::config& cfg) {
  http::service_options o;
  o.ingest_listen = listen_spec_of(cfg.ingest.listen);
  o.query_listen = listen_spec_of(cfg.query.listen);
  o.ingest_path = cfg.ingest.path;
  o.verification_token = cfg.ingest.verification_token;
  o.max_body_bytes = cfg.ingest.max_body_bytes;
  o.query_token = cfg.query.token;
  o.limits.read_timeout = cfg.http.read_timeout;
  o.limits.write_timeout = cfg.http.read_timeout;
  o.limits.max_connections = cfg.http.max_connections;
  o.attachments_dir = cfg.attachments_dir();
  return o;
}

}  // namespace

struct app::impl {
  explicit impl(config::config c) : cfg(std::move(c)) {}

  config::config cfg;
  // Declared first so it is destroyed last: everything below may hold work on it.
  asio::io_context io{1};
  http::metrics stats;
  std::unique_ptr<store::writer> writer;
  std::unique_ptr<accept::gateway> gateway;  // every source's way into the writer
  std::unique_ptr<subscription::keeper> keeper;  // the webhook subscription (runs on syncer's thread)
  std::unique_ptr<attachments::fetcher> fetcher;  // attachment content (runs on syncer's thread)
  std::unique_ptr<sync::runner> syncer;      // Message Sync, when the API is configured
  std::unique_ptr<store::reader_pool> readers;
  std::unique_ptr<http::service> service;
  std::optional<asio::signal_set> signals;
  std::optional<asio::steady_timer> watchdog;
  bool started = false;
  bool stopping = false;  // io thread only

  void wait_for_signal(int received) {
    signals->async_wait([this, received](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (received > 0) {
        // A second signal means the operator does not want to wait for the drain.
        log::warning("second signal, exiting now signal={}", signo);
        std::_Exit(1);
      }
      log::info("stopping signal={}", signo);
      // Re-arm before stopping: when nothing is in flight the drain finishes
      // inline (co_spawn dispatches) and its cancel must find this wait.
      wait_for_signal(signo);
      begin_stop();
    });
  }

  void start_watchdog(std::chrono::microseconds interval) {
    watchdog.emplace(io);
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval / 2);
    asio::co_spawn(
        io,
        [this, period]() -> asio::awaitable<void> {
          for (;;) {
            // Ping only while the writer thread is looping: a stuck writer must let systemd restart us.
            if (std::chrono::steady_clock::now() - writer->snapshot().last_loop < period) notify_watchdog();
            watchdog->expires_after(period);
            auto [ec] = co_await watchdog->async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec || stopping) co_return;
          }
        },
        asio::detached);
  }

  void begin_stop() {
    if (stopping || !service) return;
    stopping = true;
    notify_stopping();
    // API requests are cancelled at once; what sync already queued still commits.
    if (syncer) syncer->stop();
    service->stop();
    if (watchdog) watchdog->cancel();
    asio::co_spawn(
        io,
        [this]() -> asio::awaitable<void> {
          const auto deadline = std::chrono::steady_clock::now() + drain_deadline;
          asio::steady_timer pause(io);
          while (service->connections() > 0 && std::chrono::steady_clock::now() < deadline) {
            pause.expires_after(drain_poll);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
          }
          if (service->connections() > 0) {
            log::warning("closing connections still open after the drain deadline count={}", service->connections());
            service->abort();
          }
          finish();
        },
        asio::detached);
  }

  // Every acknowledged notification is committed before this returns; the
  // writer's completions for requests closed by abort() run afterwards and
  // find their connection gone.
  void finish() {
    writer->stop();
    readers->stop();
    if (signals) {
      boost::system::error_code ignored;
      signals->cancel(ignored);
    }
    log::info("stopped");
  }
};

app::app(config::config cfg) : impl_(std::make_unique<impl>(std::move(cfg))) {}

app::~app() {
  if (impl_->started && !impl_->stopping) {
    stop();
    impl_->io.restart();
    impl_->io.run();
  }
}

core::result<bound_endpoints> app::start(signal_handling signals) {
  auto& m = *impl_;
  const auto opts = store_options(m.cfg);
  try {
    // Under systemd a long migration (minutes on a large archive) would
    // outlast TimeoutStartSec=: each step tells the manager where it is and
    // moves the deadline a minute on, so only a stuck one times out.
    auto migrated = store::migrate(opts, [](const store::migration_step& s) {
      if (s.statement == 1 && s.elapsed < std::chrono::seconds(1))
        log::info("applying migration name={} statements={}", s.name, s.statements);
      notify_status(fmt::format("migrating the database: {} statement {} of {}, {:.0f} s", s.name, s.statement,
                                s.statements, std::chrono::duration<double>(s.elapsed).count()));
      notify_extend_timeout(std::chrono::minutes(1));
    });
    if (!migrated) return migrated.error();
    m.writer = std::make_unique<store::writer>(opts, &ingest::renormalise);
    m.writer->start();
    m.gateway = std::make_unique<accept::gateway>(*m.writer);
    if (m.cfg.ringcentral.configured()) {
      m.syncer = std::make_unique<sync::runner>(detail::runner_options_of(m.cfg), *m.gateway);
      // A stored message_store_changes notification pokes its mailbox: an
      // incremental sync brings what it only counts (docs/sync.md).
      if (detail::fetches_attachments(m.cfg)) {
        m.fetcher = std::make_unique<attachments::fetcher>(detail::fetcher_options_of(m.cfg), *m.writer);
        detail::register_attachment_metrics(m.stats.registry(), *m.fetcher);
      }
      // A stored message (any source) may bring attachments: the fetcher looks within a second.
      m.gateway->observe_stored([syncer = m.syncer.get(), fetcher = m.fetcher.get()](const accept::stored_item& item) {
        if (item.kind == core::event_kind::message_store_changes && !item.mailbox.empty()) syncer->poke(item.mailbox);
        else if (fetcher && item.kind != core::event_kind::subscription_reminder && item.kind != core::event_kind::other)
          fetcher->poke();
      });
      detail::register_sync_metrics(m.stats.registry(), *m.syncer);
      if (m.cfg.subscription.managed()) {
        auto ko = detail::keeper_options_of(m.cfg, [syncer = m.syncer.get()] { return syncer->mailboxes(); });
        // A subscription created anew leaves a gap: an incremental sync of every mailbox fills it.
        ko.on_recreated = [syncer = m.syncer.get()] { syncer->poke_all(); };
        m.keeper = std::make_unique<subscription::keeper>(std::move(ko));
        detail::register_subscription_metrics(m.stats.registry(), *m.keeper);
      }
    } else if (m.cfg.subscription.managed()) {
      log::warning("subscription.address is set but ringcentral.client_id is not: rcvault keeps no subscription "
                   "without the API (docs/deploy.md)");
    }
    m.readers = std::make_unique<store::reader_pool>(opts, reader_threads);
  } catch (const std::exception& e) {
    return core::error{core::errc::internal, std::string("store ") + opts.path.string() + ": " + e.what()};
  }
  try {
    auto service_opts = service_options_of(m.cfg);
    if (m.syncer) service_opts.sync_status = [syncer = m.syncer.get()] { return sync::to_json(syncer->status()); };
    if (m.fetcher)
      service_opts.sync_status = [syncer = m.syncer.get(), fetcher = m.fetcher.get()] {
        return detail::with_attachments(sync::to_json(syncer->status()), fetcher->status());
      };
    if (m.keeper)
      service_opts.subscription_status = [keeper = m.keeper.get()] { return subscription::to_json(keeper->status()); };
    m.service = std::make_unique<http::service>(m.io, service_opts, *m.writer, *m.gateway, *m.readers, m.stats);
  } catch (const std::system_error& e) {
    return core::error{core::errc::config, e.what()};
  }
  m.service->start();
  m.started = true;
  // After the listeners accept connections: the webhook answers while sync
  // runs, and RingCentral's Validation-Token request while the keeper subscribes.
  if (m.keeper)
    m.syncer->spawn([keeper = m.keeper.get()](ringcentral::client& c) { return keeper->run(c); });
  if (m.fetcher)
    m.syncer->spawn([fetcher = m.fetcher.get()](ringcentral::client& c) { return fetcher->run(c); });
  if (m.syncer) m.syncer->start();
  else log::info("webhook only: ringcentral.client_id is not set, Message Sync is off (docs/sync.md)");
  if (signals == signal_handling::stop_on_signal) {
    m.signals.emplace(m.io, SIGINT, SIGTERM);
    m.wait_for_signal(0);
  }
  if (auto interval = watchdog_interval()) m.start_watchdog(*interval);

  bound_endpoints out;
  out.ingest = m.service->ingest_address();
  out.ingest_port = m.service->ingest_port();
  out.query = m.service->query_address();
  out.query_port = m.service->query_port();
  return out;
}

void app::run() { impl_->io.run(); }

void app::stop() {
  asio::post(impl_->io, [m = impl_.get()] { m->begin_stop(); });
}

}  // namespace rcvault::app
