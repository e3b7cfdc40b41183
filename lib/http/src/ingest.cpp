#include "rcvault/http/ingest.hpp"

#include "rcvault/core/time.hpp"
#include "rcvault/http/error_response.hpp"
#include "rcvault/http/metrics.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/log/log.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

namespace rcvault::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view validation_token_header = "Validation-Token";
constexpr std::string_view verification_token_header = "Verification-Token";

std::optional<std::string_view> header_value(const request& req, std::string_view name) {
  auto it = req.find(name);
  if (it == req.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

bool is_blank(std::string_view body) {
  return std::all_of(body.begin(), body.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// The writer completes on its own thread; the continuation must run on the
// coroutine's executor (the network thread), so the completion is posted back.
template <class CompletionToken>
auto async_accept(ingest_target& target, core::result<core::notification> parsed, std::string_view raw,
                  CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(accept::outcome)>(
      [&target, raw](auto handler, core::result<core::notification> item) {
        auto work = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        target.accept(std::move(item), raw, [shared, work](const accept::outcome& o) {
          asio::post(work, [shared, o]() mutable { std::move (*shared)(o); });
        });
      },
      token, std::move(parsed));
}

response status_response(std::string_view status, std::string_view uuid) {
  boost::json::object o;
  o["status"] = status;
  o["uuid"] = uuid;
  return json_response(200, boost::json::serialize(o));
}

void count(metrics* stats, std::string_view what) {
  if (stats) stats->count_notification(what);
}

asio::awaitable<response> decide(const request& req, ingest_context& ctx) {
  const auto& settings = ctx.settings;
  if (req.method() != bhttp::verb::post) {
    auto res = error_response({core::errc::method_not_allowed, "only POST is allowed on the webhook path"});
    res.set(bhttp::field::allow, "POST");
    co_return res;
  }

  const std::string_view body = req.body();
  const bool within_limit = body.size() <= settings.max_body_bytes;
  std::optional<core::result<core::notification>> parsed;
  auto parse = [&]() -> core::result<core::notification>& {
    if (!parsed) parsed.emplace(ingest::parse_envelope(body));
    return *parsed;
  };

  auto validation = header_value(req, validation_token_header);
  if (validation && within_limit && (is_blank(body) || !parse().has_value())) {
    // RingCentral's subscription handshake: the echoed header is all it checks.
    count(ctx.stats, "handshake");
    co_return json_response(200, {});
  }

  if (settings.verification_token) {
    auto given = header_value(req, verification_token_header);
    if (!given) given = validation;
    if (!given || !constant_time_equal(*settings.verification_token, *given)) {
      count(ctx.stats, "unauthorized");
      co_return error_response({core::errc::bad_verification_token, "the Verification-Token header does not match"});
    }
  }

  if (!within_limit) {
    count(ctx.stats, "too_large");
    co_return error_response({core::errc::body_too_large, "the body is larger than ingest.max_body_bytes (" +
                                                              std::to_string(settings.max_body_bytes) + " bytes)"});
  }

  auto content_type = header_value(req, "Content-Type");
  if (!content_type || !is_json_media_type(*content_type)) {
    count(ctx.stats, "unsupported_media_type");
    co_return error_response({core::errc::unsupported_media_type, "Content-Type must be application/json"});
  }

  auto accepted = co_await async_accept(ctx.target, std::move(parse()), body, asio::use_awaitable);
  switch (accepted.state) {
    case accept::outcome::status::stored:
      count(ctx.stats, core::to_string(accepted.applied));
      if (ctx.stats) ctx.stats->set_last_notification(core::now_ms());
      co_return status_response("stored", accepted.uuid);
    case accept::outcome::status::duplicate:
      count(ctx.stats, "duplicate");
      if (ctx.stats) ctx.stats->set_last_notification(core::now_ms());
      co_return status_response("duplicate", accepted.uuid);
    case accept::outcome::status::refused:
      count(ctx.stats, "rejected");
      log::debug("ingest rejected code={} size={}", core::code_name(accepted.refusal->code), body.size());
      co_return error_response(*accepted.refusal);
    case accept::outcome::status::unavailable:
      break;
  }
  count(ctx.stats, "unavailable");
  log::warning("ingest unavailable uuid={}", accepted.uuid);
  co_return error_response({core::errc::unavailable, "the store cannot take notifications now; retry later"});
}

}  // namespace

ingest_target gateway_target(accept::gateway& g) {
  ingest_target t;
  t.accept = [&g](core::result<core::notification> parsed, std::string_view raw, accept::completion done) {
    g.accept_now(std::move(parsed), raw, std::move(done));
  };
  return t;
}

asio::awaitable<response> handle_ingest(const request& req, ingest_context& ctx) {
  const auto started = std::chrono::steady_clock::now();
  response res = co_await decide(req, ctx);
  // Every request carrying a Validation-Token gets it back, whatever the answer.
  if (auto validation = header_value(req, validation_token_header)) res.set(validation_token_header, *validation);
  if (ctx.stats && req.method() == bhttp::verb::post) {
    ctx.stats->observe_ack_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  co_return res;
}

bool is_json_media_type(std::string_view content_type) noexcept {
  auto type = content_type.substr(0, content_type.find(';'));
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!type.empty() && is_space(type.front())) type.remove_prefix(1);
  while (!type.empty() && is_space(type.back())) type.remove_suffix(1);
  constexpr std::string_view json = "application/json";
  if (type.size() != json.size()) return false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != json[i]) return false;
  }
  return true;
}

bool constant_time_equal(std::string_view expected, std::string_view given) noexcept {
  unsigned char diff = expected.size() == given.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(static_cast<unsigned char>(expected[i]) ^ g);
  }
  return diff == 0;
}

std::string_view path_of(std::string_view target) noexcept { return target.substr(0, target.find('?')); }

}  // namespace rcvault::http
