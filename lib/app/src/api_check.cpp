#include "api_check.hpp"

#include "sync_options.hpp"

#include "rcvault/ringcentral/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace rcvault::app::detail {
namespace asio = boost::asio;
namespace json = boost::json;
namespace rc = ringcentral;
namespace {

constexpr std::string_view own_extension_path = "/restapi/v1.0/account/~/extension/~";
constexpr std::string_view own_extension_endpoint = "/restapi/v1.0/account/{accountId}/extension/{extensionId}";
constexpr std::string_view subscriptions_path = "/restapi/v1.0/subscription";

// What the checks found; written on the io thread, read after io.run() returned.
struct findings {
  std::optional<rc::api_error> token_error;
  rc::token_status token;
  rc::api_result<rc::api_response> extension = rc::api_error{};
  rc::api_result<rc::api_response> subscriptions = rc::api_error{};
  std::string crashed;  // an exception escaped the checks
};

asio::awaitable<void> run_checks(rc::client& client, findings& out) {
  auto token = co_await client.ensure_token();
  if (!token) {
    out.token_error = token.error();
    co_return;
  }
  out.token = *token;
  out.extension = co_await client.get(std::string(own_extension_path), rc::rate_group::light,
                                      std::string(own_extension_endpoint));
  out.subscriptions = co_await client.get(std::string(subscriptions_path), rc::rate_group::light,
                                          std::string(subscriptions_path));
}

std::string describe(const rc::api_error& e) {
  std::string out = e.code.empty() ? fmt::format("HTTP {}", e.http_status) : e.code;
  if (!e.message.empty()) out += ": " + e.message;
  return out;
}

bool forbidden(const rc::api_result<rc::api_response>& r) { return !r && r.error().http_status == 403; }

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "extension 2253168021: 101 Jane Smith, admin" from GET .../extension/~, or nothing when unreadable.
std::optional<std::string> extension_line(const std::string& body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  const auto text = [&](std::string_view key) -> std::string {
    const json::value* f = o.if_contains(key);
    if (f == nullptr) return {};
    if (f->is_string()) return std::string(f->as_string());
    if (f->is_int64()) return std::to_string(f->as_int64());
    if (f->is_uint64()) return std::to_string(f->as_uint64());
    return {};
  };
  bool admin = false;
  if (const json::value* p = o.if_contains("permissions"); p && p->is_object())
    if (const json::value* a = p->as_object().if_contains("admin"); a && a->is_object())
      if (const json::value* en = a->as_object().if_contains("enabled"); en && en->is_bool()) admin = en->as_bool();
  return fmt::format("extension {}: number {}, {}, {}, {}", text("id"), text("extensionNumber"), text("type"),
                     text("status"), admin ? "admin" : "not an admin");
}

void line(const std::string& text) { std::fputs((text + "\n").c_str(), stdout); }

int error_line(const std::string& text) {
  std::fflush(stdout);
  std::fputs(("rcvault: error: " + text + "\n").c_str(), stderr);
  return 1;
}

}  // namespace

int check_api(const config::config& cfg) {
  rc::client_options opts = client_options_of(cfg);
  // A check answers within a minute: two tries, not the daemon's patience.
  opts.max_attempts = 2;
  asio::io_context io;
  rc::client client(io, opts);
  findings out;
  asio::co_spawn(io, run_checks(client, out), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      out.crashed = ex.what();
    }
  });
  io.run();
  if (!out.crashed.empty()) return error_line("check: RingCentral API: " + out.crashed);

  const std::string server = cfg.ringcentral.server;
  if (out.token_error) {
    const bool refused = out.token_error->code != "network" && out.token_error->code != "timeout" &&
                         out.token_error->code != "tls" && out.token_error->http_status != 0;
    line(fmt::format("token: {}: {}", refused ? "refused" : "failed", describe(*out.token_error)));
    return error_line(fmt::format("check: {}: no token ({}); see docs/sync.md, \"Check the app\"", server,
                                  describe(*out.token_error)));
  }
  line(fmt::format("token: ok (extension {}, from {})", out.token.owner_id, server));
  if (out.extension) {
    if (auto l = extension_line(out.extension->body)) line(*l);
  } else if (!forbidden(out.extension)) {
    return error_line(fmt::format("check: {}: GET {}: {}", server, own_extension_path, describe(out.extension.error())));
  }
  if (!out.subscriptions && !forbidden(out.subscriptions))
    return error_line(fmt::format("check: {}: GET {}: {}", server, subscriptions_path, describe(out.subscriptions.error())));

  const std::vector<std::string> granted = words(out.token.scope);
  const auto in_scope = [&](std::string_view p) { return std::find(granted.begin(), granted.end(), p) != granted.end(); };
  const bool all = cfg.sync.all_extensions();
  struct permission {
    std::string_view name;
    bool needed;
    std::string_view what;                               // what rcvault does with it
    const rc::api_result<rc::api_response>* probe;       // the call that needs it, when made
  };
  const permission permissions[] = {
      {"ReadMessages", true, "Message Sync of the mailboxes", nullptr},
      {"ReadAccounts", all, "listing the extensions for sync.extensions = \"all\"", &out.extension},
      {"SubscriptionWebhook", true, "the webhook subscription", &out.subscriptions},
      {"ReadMessageContent", true, "downloading attachments", nullptr},
  };
  std::vector<std::string> missing;
  for (const permission& p : permissions) {
    const bool refused_call = p.probe != nullptr && forbidden(*p.probe);
    if (in_scope(p.name) && !refused_call) {
      line(fmt::format("{}: ok", p.name));
      continue;
    }
    const std::string why = refused_call ? describe(p.probe->error()) : "not in the token's scope";
    line(fmt::format("{}: missing ({}; needed for {}{})", p.name, why, p.what, p.needed ? "" : ", not configured"));
    if (p.needed) missing.emplace_back(p.name);
  }
  if (missing.empty()) return 0;
  std::string names;
  for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
  return error_line(fmt::format("check: the RingCentral app or user lacks {}; see docs/sync.md, \"Create the app\"", names));
}

}  // namespace rcvault::app::detail
