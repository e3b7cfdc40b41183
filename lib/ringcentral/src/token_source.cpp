#include "token_source.hpp"

#include "origin.hpp"
#include "rcvault/log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace rcvault::ringcentral {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view jwt_grant_type = "urn:ietf:params:oauth:grant-type:jwt-bearer";

// 400, 401 and 403 from the token endpoint refuse the credentials; 408, 429
// and 5xx are passing trouble (the client already waited and retried those).
bool is_refusal(const api_error& e) {
  return e.http_status >= 400 && e.http_status < 500 && e.http_status != 408 && e.http_status != 429;
}

std::int64_t int_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());  // owner_id as a number
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

// Outside the coroutine: GCC 12 rejects this aggregate inside one ("array used as initializer").
api_error invalid_answer(unsigned status) {
  return api_error{status, "invalid_response", "the token answer has no access_token", {}};
}

std::string refresh_form(const std::string& refresh_token) {
  return form_encode({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
}

}  // namespace

token_source::token_source(asio::any_io_executor ex, token_options opts, poster post)
    : opts_(std::move(opts)), post_(std::move(post)), flight_done_(std::move(ex)) {}

asio::awaitable<api_result<std::string>> token_source::access_token() {
  for (;;) {
    if (cancelled_) co_return api_error{0, "cancelled", "the request was cancelled", {}};
    if (!access_.empty() && clock::now() < renew_at_) co_return access_;
    if (!in_flight_) co_return co_await fetch();
    // Another caller is getting a token: wait for its outcome and share it.
    const auto seen = flights_;
    co_await flight_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (flights_ != seen && !last_flight_) co_return last_flight_.error();
  }
}

asio::awaitable<api_result<std::string>> token_source::fetch() {
  in_flight_ = true;
  // Set before anyone waits: changing the expiry later would wake the waiters.
  flight_done_.expires_at(clock::time_point::max());
  api_result<std::string> out{std::string()};
  if (failed_ && clock::now() < refused_at_ + opts_.jwt_retry) {
    // A refused JWT is a configuration problem: asking again soon changes nothing.
    out = refused_error();
  } else {
    api_result<api_response> answer{api_response{}};
    bool jwt_asked = false;
    if (!refresh_.empty() && clock::now() < refresh_expires_at_) {
      answer = co_await post_(refresh_form(refresh_));
      if (!answer && is_refusal(answer.error())) {
        log::info("ringcentral refresh refused, asking for a new grant code={}", answer.error().code);
        refresh_.clear();
        answer = co_await grant();
        jwt_asked = true;
      }
    } else {
      answer = co_await grant();
      jwt_asked = true;
    }
    if (answer) {
      adopt(*answer);
      if (access_.empty()) out = invalid_answer(answer->status);
      else out = access_;
    } else if (jwt_asked && is_refusal(answer.error())) {
      auto e = answer.error();
      e.message = redact(std::move(e.message));
      if (!failed_ || refusal_.code != e.code) {
        log::error("ringcentral JWT grant refused code={} status={} message=\"{}\"", e.code, e.http_status, e.message);
      }
      failed_ = true;
      refused_at_ = clock::now();
      refusal_ = std::move(e);
      access_.clear();
      refresh_.clear();
      publish();
      out = refused_error();
    } else {
      auto e = answer.error();
      e.message = redact(std::move(e.message));
      log::warning("ringcentral token request failed code={} status={}", e.code, e.http_status);
      out = std::move(e);
    }
  }
  in_flight_ = false;
  ++flights_;
  last_flight_ = out;
  flight_done_.cancel();
  co_return out;
}

asio::awaitable<api_result<api_response>> token_source::grant() {
  return post_(form_encode({{"grant_type", jwt_grant_type}, {"assertion", opts_.jwt}}));
}

api_error token_source::refused_error() const {
  return api_error{refusal_.http_status, "token_refused",
                   "RingCentral refused the JWT grant: " + refusal_.code + " " + refusal_.message, {}};
}

void token_source::adopt(const api_response& answer) {
  boost::system::error_code ec;
  json::value v = json::parse(answer.body, ec);
  if (ec || !v.is_object()) return;
  const auto& o = v.get_object();
  std::string access = string_at(o, "access_token");
  if (access.empty()) return;
  const auto now = clock::now();
  const std::int64_t expires_in = std::max<std::int64_t>(int_at(o, "expires_in"), 1);
  access_ = std::move(access);
  // Renew at 80 % of the lifetime, counted on the monotonic clock (a long
  // job's wall clock may jump; docs/sync.md "Credentials").
  renew_at_ = now + std::chrono::milliseconds(expires_in * 800);
  refresh_ = string_at(o, "refresh_token");
  const std::int64_t refresh_in = int_at(o, "refresh_token_expires_in");
  refresh_expires_at_ = refresh_.empty() ? now : now + std::chrono::seconds(refresh_in > 0 ? refresh_in : 3600);
  expires_at_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() + expires_in * 1000;
  if (auto owner = string_at(o, "owner_id"); !owner.empty()) owner_id_ = std::move(owner);
  if (auto scope = string_at(o, "scope"); !scope.empty()) scope_ = std::move(scope);
  if (failed_) log::info("ringcentral JWT grant accepted again");
  failed_ = false;
  refusal_ = {};
  log::debug("ringcentral token obtained owner_id={} expires_in={} refresh_token={}", owner_id_, expires_in,
             refresh_.empty() ? "no" : "yes");
  publish();
}

std::optional<std::string> token_source::ready_token() const {
  if (cancelled_ || access_.empty() || clock::now() >= renew_at_) return std::nullopt;
  return access_;
}

void token_source::rejected(const std::string& token) {
  // Only the token that was refused: a call that used an older one must not
  // throw away the token another caller just got.
  if (!token.empty() && token == access_) renew_at_ = clock::time_point{};
}

void token_source::publish() {
  token_status s;
  s.state = failed_ ? token_status::state::failed : access_.empty() ? token_status::state::none : token_status::state::ok;
  if (!failed_) s.expires_at_ms = expires_at_ms_;
  if (failed_) s.error = refusal_;
  s.owner_id = owner_id_;
  s.scope = scope_;
  std::lock_guard lock(status_mutex_);
  shown_ = std::move(s);
}

token_status token_source::status() const {
  std::lock_guard lock(status_mutex_);
  return shown_;
}

std::string token_source::redact(std::string text) const {
  for (const std::string* secret : {&opts_.client_secret, &opts_.jwt, &access_, &refresh_}) {
    if (secret->size() < 4) continue;  // too short to be a credential, too likely to be a word
    for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at)) {
      text.replace(at, secret->size(), "[redacted]");
    }
  }
  return text;
}

void token_source::cancel() {
  cancelled_ = true;
  flight_done_.cancel();
}

}  // namespace rcvault::ringcentral
