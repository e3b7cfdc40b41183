// rcvault subscription status|ensure|delete: the webhook subscription from the
// command line (docs/deploy.md). `ensure` needs a running serve to
// answer RingCentral's Validation-Token request; `delete` is for a stopped one.
#include "rcvault/app/commands.hpp"

#include "exit_codes.hpp"
#include "store_options.hpp"
#include "subscription_options.hpp"
#include "sync_options.hpp"

#include "rcvault/store/database.hpp"
#include "rcvault/subscription/keeper.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace rcvault::app {
namespace {

namespace asio = boost::asio;
using detail::exit_failure;
using detail::exit_ok;
using detail::exit_usage;
using detail::fail;

std::string describe(const ringcentral::api_error& e) { return e.code + ": " + e.message; }

}  // namespace

int subscription(const config::config& cfg, std::string_view action) {
  if (!cfg.ringcentral.configured())
    return fail(exit_usage, "subscription: ringcentral.client_id is not set; rcvault manages its subscription through "
                            "RingCentral's API (docs/deploy.md)");
  if (!cfg.subscription.managed())
    return fail(exit_usage, "subscription: subscription.address is not set (docs/deploy.md)");
  if (action == "ensure" && !cfg.ingest.verification_token)
    return fail(exit_usage, "subscription: no verification token; rcvault refuses to subscribe without one (set "
                            "ingest.verification_token, its _file, or the verification-token credential)");
  const auto o = detail::store_options(cfg);
  try {
    auto migrated = store::migrate(o, {});
    if (!migrated)
      return fail(migrated.error().code == core::errc::migration ? exit_usage : exit_failure, migrated.error().message);
  } catch (const std::exception& e) {
    return fail(exit_failure, fmt::format("database {}: {}", o.path.string(), e.what()));
  }

  asio::io_context io;
  ringcentral::client client(io, detail::client_options_of(cfg));
  subscription::keeper keeper(detail::keeper_options_of(cfg));
  int code = exit_ok;
  std::string error;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        if (action == "delete") {
          auto r = co_await keeper.remove(client);
          if (!r) {
            code = exit_failure;
            error = "subscription: delete: " + describe(r.error());
          } else {
            std::fputs(fmt::format("deleted {} subscription(s) at {}\n", *r, *cfg.subscription.address).c_str(), stdout);
          }
        } else {
          if (action == "ensure") {
            if (co_await keeper.check(client) == subscription::outcome::failed) code = exit_failure;
          } else {
            co_await keeper.look(client);
          }
          const auto s = keeper.status();
          std::fputs((subscription::to_json(s) + "\n").c_str(), stdout);
          if (s.error) {
            code = exit_failure;
            error = "subscription: " + describe(*s.error);
          }
        }
        client.cancel();  // nothing may keep io.run() going (a token refresh ahead of expiry)
      },
      asio::detached);
  io.run();
  if (code != exit_ok) return fail(code, error);
  return exit_ok;
}

}  // namespace rcvault::app
