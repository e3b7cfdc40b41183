#include "rcvault/app/app.hpp"
#include "rcvault/app/commands.hpp"
#include "rcvault/app/systemd_notify.hpp"
#include "rcvault/log/log.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <string>

namespace rcvault::app {

int serve(const config::config& cfg) {
  try {
    app daemon(cfg);
    auto bound = daemon.start(signal_handling::stop_on_signal);
    if (!bound) {
      const auto& e = bound.error();
      std::fprintf(stderr, "rcvault: error: %s\n", e.message.c_str());
      return e.code == core::errc::migration || e.code == core::errc::config ? 2 : 1;
    }
    if (!cfg.ingest.verification_token) {
      log::warning(
          "ingest.verification_token is not set: notifications are accepted unverified; set it (or the "
          "verification-token credential, docs/deploy.md) to the subscription's verificationToken");
    }
    // The bound addresses are part of the command line's contract (docs/configuration.md,
    // "Listen addresses"): with port 0 this line is the only way to learn the ports, so it is
    // written at every log.level, not only at info.
    const std::string listening = fmt::format("listening ingest={} query={}", bound->ingest, bound->query);
    log::write(log::level::info, listening);
    notify_status(listening);
    notify_ready();
    daemon.run();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rcvault: error: serve: %s\n", e.what());
    return 1;
  }
}

}  // namespace rcvault::app
