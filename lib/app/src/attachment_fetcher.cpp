#include "attachment_fetcher.hpp"

#include "store_options.hpp"
#include "sync_options.hpp"

#include "rcvault/log/log.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace rcvault::app::detail {

namespace asio = boost::asio;

bool fetches_attachments(const config::config& cfg) {
  return cfg.ringcentral.configured() && cfg.attachments.download;
}

attachments::fetcher_options fetcher_options_of(const config::config& cfg) {
  attachments::fetcher_options o;
  o.dir = cfg.attachments_dir();
  o.max_bytes = cfg.attachments.max_bytes;
  o.min_free_bytes = cfg.attachments.min_free_bytes;
  o.server = cfg.ringcentral.server;
  o.store = store_options(cfg);
  return o;
}

std::string with_attachments(const std::string& sync_json, const attachments::fetcher_status& s) {
  boost::system::error_code ec;
  auto root = boost::json::parse(sync_json, ec);
  if (ec || !root.is_object()) return sync_json;
  root.as_object()["attachments"] = boost::json::parse(attachments::to_json(s));
  return boost::json::serialize(root);
}

attachments::drain_report download_due_attachments(const config::config& cfg, store::writer& writer,
                                                   const std::function<bool()>& stop_requested) {
  asio::io_context io;
  ringcentral::client client(io, client_options_of(cfg));
  attachments::fetcher fetcher(fetcher_options_of(cfg), writer);
  attachments::drain_report report;
  bool done = false;
  asio::cancellation_signal stop;
  // A signal cancels the downloads at once; what was downloaded and committed stays.
  asio::steady_timer poll(io);
  std::function<void()> watch = [&] {
    poll.expires_after(std::chrono::milliseconds(200));
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (ec || done) return;
      if (stop_requested && stop_requested()) {
        client.cancel();
        stop.emit(asio::cancellation_type::terminal);
        return;
      }
      watch();
    });
  };
  auto drain = [&]() -> asio::awaitable<void> { report = co_await fetcher.drain(client); };
  asio::co_spawn(io, drain(), asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e) {
                   if (e) report.error = "the downloads stopped unexpectedly";
                   done = true;
                   poll.cancel();
                 }));
  watch();
  io.run();
  return report;
}

}  // namespace rcvault::app::detail
