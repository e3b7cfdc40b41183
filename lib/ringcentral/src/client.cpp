#include "client_impl.hpp"

#include "rcvault/log/log.hpp"
#include "rcvault/ringcentral/backoff.hpp"
#include "rcvault/ringcentral/error_body.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <openssl/ssl.h>

#include <charconv>
#include <stdexcept>

namespace rcvault::ringcentral {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::string_view token_path = "/restapi/oauth/token";

std::optional<std::int64_t> header_int(const std::map<std::string, std::string, std::less<>>& h, std::string_view name) {
  auto it = h.find(name);
  if (it == h.end()) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || end != it->second.data() + it->second.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string_view to_string(rate_group g) noexcept {
  switch (g) {
    case rate_group::light: return "light";
    case rate_group::medium: return "medium";
    case rate_group::auth: return "auth";
  }
  return "light";
}

void throw_exception_from_error(api_error const& e, boost::source_location const&) {
  throw std::runtime_error(e.code + ": " + e.message);
}

client::impl::impl(asio::io_context& io, client_options o)
    : ex(io.get_executor()),
      opts(std::move(o)),
      tls(asio::ssl::context::tls_client),
      pool(ex, tls),
      pace(opts.light_per_minute, opts.medium_per_minute, opts.auth_per_minute),
      tokens(ex, token_options{opts.client_id, opts.client_secret, opts.jwt, opts.jwt_retry},
             [this](std::string form) -> asio::awaitable<api_result<api_response>> {
               call c;
               c.method = "POST";
               c.where = server;
               c.target = std::string(token_path);
               c.body = std::move(form);
               c.content_type = "application/x-www-form-urlencoded";
               c.group = rate_group::auth;
               c.endpoint = std::string(token_path);
               c.how = auth::basic;
               c.max_body = 1u << 20;
               return execute(std::move(c));
             }) {
  if (auto parsed = parse_url(opts.server)) server = parsed->where;
  else setup_error = api_error{0, "invalid_url", "ringcentral.server: " + parsed.error().message, {}};
  boost::system::error_code ec;
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.set_default_verify_paths(ec);
  if (opts.ca_file) {
    tls.load_verify_file(opts.ca_file->string(), ec);
    if (ec) setup_error = api_error{0, "tls", "ringcentral.ca_file " + opts.ca_file->string() + ": " + ec.message(), {}};
  }
}

api_error client::impl::cancelled_error() { return api_error{0, "cancelled", "the request was cancelled", {}}; }

asio::awaitable<api_result<api_response>> client::impl::execute(call c) {
  if (setup_error) co_return *setup_error;
  unsigned failures = 0;
  unsigned throttled = 0;
  bool renewed = false;
  for (;;) {
    if (cancelled) co_return cancelled_error();
    if (c.how == auth::bearer) {
      if (auto t = co_await tokens.access_token(); !t) co_return t.error();
    }
    if (!co_await wait_turn(c.group)) co_return cancelled_error();
    std::string token;
    if (c.how == auth::bearer) {
      // Read again after the wait: the token may have been renewed meanwhile,
      // and every request must switch to the new one at once.
      auto ready = tokens.ready_token();
      if (!ready) continue;
      token = std::move(*ready);
    }
    const auto started = steady::now();
    wire_answer w = co_await send_once(c, token);
    if (cancelled) co_return cancelled_error();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started).count();

    api_error e;
    if (!w.failure.empty()) {
      count(c.endpoint, 0);
      e = api_error{0, w.failure == "aborted" ? "cancelled" : w.failure, tokens.redact(w.detail), {}};
      log::debug("ringcentral request failed endpoint={} code={} ms={}", c.endpoint, e.code, ms);
    } else {
      count(c.endpoint, w.status);
      log::debug("ringcentral request endpoint={} status={} ms={}", c.endpoint, w.status, ms);
      note_rate_headers(c.group, w.headers);
      if ((w.status >= 200 && w.status < 300) || (c.redirects_are_answers && w.status >= 300 && w.status < 400)) {
        co_return api_response{w.status, std::move(w.body), std::move(w.headers)};
      }
      e = parse_error_body(w.status, w.body);
      e.message = tokens.redact(std::move(e.message));
      if (w.status == 429) {
        {
          std::lock_guard lock(stats_mutex);
          ++counters.rate_limited[std::string(to_string(c.group))];
        }
        auto it = w.headers.find("retry-after");
        // 60 s when RingCentral names no wait (docs/sync.md, "Limits").
        auto wait = (it != w.headers.end() ? parse_retry_after(it->second) : std::nullopt).value_or(std::chrono::seconds(60));
        pace.block(c.group, steady::now() + wait);
        log::info("ringcentral rate limited group={} endpoint={} code={} retry_after_s={}", to_string(c.group),
                  c.endpoint, e.code, wait.count());
        if (++throttled >= opts.max_attempts) co_return e;
        continue;
      }
      if (w.status == 401 && c.how == auth::bearer && !renewed) {
        // Expired or revoked early: one new token and one more try.
        renewed = true;
        tokens.rejected(token);
        log::info("ringcentral access token refused, renewing endpoint={} code={}", c.endpoint, e.code);
        continue;
      }
    }
    const bool partial = c.delivered && *c.delivered > 0;  // a sink cannot take the same bytes twice
    if (!is_retryable(e.http_status, e.code) || partial || ++failures >= opts.max_attempts) {
      if (is_retryable(e.http_status, e.code)) {
        log::warning("ringcentral request failed endpoint={} code={} status={} attempts={}", c.endpoint, e.code,
                     e.http_status, failures);
      }
      co_return e;
    }
    const auto wait = backoff_delay(failures, opts.backoff_min, opts.backoff_max,
                                    std::uniform_real_distribution<double>(0.0, 1.0)(jitter));
    log::info("ringcentral request failed, retrying endpoint={} code={} status={} attempt={} wait_ms={}", c.endpoint,
              e.code, e.http_status, failures, wait.count());
    if (!co_await sleep_until(steady::now() + wait)) co_return cancelled_error();
  }
}

asio::awaitable<wire_answer> client::impl::send_once(const call& c, const std::string& token) {
  wire_request req;
  req.method(bhttp::string_to_verb(c.method));
  req.target(c.target);
  req.version(11);
  req.set(bhttp::field::host, c.where.host_header());
  req.set(bhttp::field::user_agent, opts.user_agent);
  req.set(bhttp::field::accept, c.sink ? "*/*" : "application/json");
  if (c.how == auth::bearer) req.set(bhttp::field::authorization, "Bearer " + token);
  if (c.how == auth::basic) req.set(bhttp::field::authorization, "Basic " + base64(opts.client_id + ":" + opts.client_secret));
  if (!c.content_type.empty()) req.set(bhttp::field::content_type, c.content_type);
  req.body() = c.body;
  req.keep_alive(true);
  req.prepare_payload();
  exchange_limits limits{opts.connect_timeout, opts.request_timeout, c.max_body ? c.max_body : opts.max_response_bytes};
  auto conn = pool.acquire(c.where);
  wire_answer w = co_await conn->exchange(req, limits, c.sink);
  pool.release(std::move(conn));
  co_return w;
}

asio::awaitable<bool> client::impl::wait_turn(rate_group g) {
  for (;;) {
    const auto now = steady::now();
    const auto start = pace.reserve(g, now);
    if (start > now && !co_await sleep_until(start)) co_return false;
    if (cancelled) co_return false;
    // A 429 that came while we waited moves the turn behind its block.
    if (pace.blocked_until(g) <= steady::now()) co_return true;
  }
}

asio::awaitable<bool> client::impl::sleep_until(steady_time t) {
  if (cancelled) co_return false;
  asio::steady_timer timer(ex, t);
  timers.insert(&timer);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  timers.erase(&timer);
  co_return !cancelled;
}

void client::impl::note_rate_headers(rate_group g, const std::map<std::string, std::string, std::less<>>& headers) {
  auto remaining = header_int(headers, "x-rate-limit-remaining");
  if (!remaining || *remaining > 0) return;
  const auto window = std::clamp<std::int64_t>(header_int(headers, "x-rate-limit-window").value_or(60), 1, 3600);
  pace.block(g, steady::now() + std::chrono::seconds(window));
  log::info("ringcentral rate limit reached group={} window_s={}", to_string(g), window);
}

void client::impl::count(const std::string& endpoint, unsigned status) {
  std::lock_guard lock(stats_mutex);
  ++counters.requests[{endpoint, status}];
}

client::client(asio::io_context& io, client_options opts) : impl_(std::make_unique<impl>(io, std::move(opts))) {}
client::~client() = default;

asio::awaitable<api_result<api_response>> client::get(std::string path_and_query, rate_group group, std::string endpoint) {
  impl::call c;
  c.where = impl_->server;
  c.target = std::move(path_and_query);
  c.group = group;
  c.endpoint = std::move(endpoint);
  return impl_->execute(std::move(c));
}

asio::awaitable<api_result<api_response>> client::send(std::string method, std::string path_and_query,
                                                      std::string json_body, rate_group group, std::string endpoint) {
  impl::call c;
  c.method = std::move(method);
  c.where = impl_->server;
  c.target = std::move(path_and_query);
  if (!json_body.empty()) c.content_type = "application/json";
  c.body = std::move(json_body);
  c.group = group;
  c.endpoint = std::move(endpoint);
  return impl_->execute(std::move(c));
}

asio::awaitable<api_result<token_status>> client::ensure_token() {
  if (impl_->setup_error) co_return *impl_->setup_error;
  auto t = co_await impl_->tokens.access_token();
  if (!t) co_return t.error();
  co_return impl_->tokens.status();
}

token_status client::status() const { return impl_->tokens.status(); }

client_stats client::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->counters;
}

void client::cancel() {
  impl_->cancelled = true;
  impl_->tokens.cancel();
  for (auto* t : impl_->timers) t->cancel();
  impl_->pool.close_all();
}

}  // namespace rcvault::ringcentral
