// No secret in anything the client produces (docs/sync.md, "Credentials"):
// log lines at debug, error messages, exception text, status and stats, in
// failing scenarios against the fake and against a server that echoes the
// secrets back in its error messages.
#include "client_fixture.hpp"
#include "rcvault/log/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>

#include <thread>

using namespace rcvault;
using namespace rcvault::test;
using ringcentral::client;
using ringcentral::rate_group;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view echoed_access = "AT-echoed-0123456789abcdef";
constexpr std::string_view echoed_refresh = "RT-echoed-fedcba9876543210";

// Everything the client said, as one text to search.
struct transcript {
  std::string text;
  void add(const ringcentral::api_error& e) { text += e.code + " " + e.message + " " + e.parameter_name + "\n"; }
  template <class T>
  void add(const ringcentral::api_result<T>& r) {
    if (r) return;
    add(r.error());
    try {
      (void)r.value();
    } catch (const std::exception& ex) {
      text += std::string(ex.what()) + "\n";
    }
  }
  void add(const client& api) {
    auto st = api.status();
    text += st.owner_id + "\n";
    if (st.error) add(*st.error);
    for (const auto& [key, n] : api.stats().requests) text += key.first + "\n";
  }
};

void expect_clean(const std::string& text, std::initializer_list<std::string_view> secrets) {
  for (auto s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << "found \"" << s << "\" in:\n" << text;
}

// A server that gives out known tokens and answers every API call with an
// error whose message quotes the secrets, as a careless server might.
class echoing_server {
 public:
  echoing_server() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~echoing_server() {
    io_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    boost::beast::tcp_stream stream(std::move(socket));
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      bhttp::response<bhttp::string_body> res;
      res.version(11);
      res.set(bhttp::field::content_type, "application/json");
      const std::string all = std::string(echoed_access) + " " + std::string(echoed_refresh) + " " +
                              std::string(fake_client_secret) + " " + std::string(fake_jwt);
      if (req.target() == "/restapi/oauth/token" && req.body().find("refresh_token") == std::string::npos) {
        res.result(200);
        res.body() = R"({"access_token":")" + std::string(echoed_access) + R"(","token_type":"bearer","expires_in":3600,)"
                     R"("refresh_token":")" + std::string(echoed_refresh) + R"(","refresh_token_expires_in":600,"owner_id":"1"})";
      } else if (req.target() == "/restapi/oauth/token") {
        res.result(400);
        res.body() = R"({"error":"invalid_grant","error_description":")" + all + R"(","errors":[{"errorCode":"OAU-213","message":")" + all + R"("}]})";
      } else if (req.target().find("unauthorized") != std::string_view::npos) {
        res.result(401);
        res.body() = R"({"errorCode":"OAU-128","message":")" + all + R"("})";
      } else {
        res.result(400);
        res.body() = R"({"errors":[{"errorCode":"CMN-101","message":"Parameter [x] )" + all + R"(","parameterName":"x"}]})";
      }
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec) co_return;
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace

TEST(Secrets, NeverInLogsErrorsOrStatsOfFailingCalls) {
  fake_process fake(high_limits({"--issue-refresh-tokens"}));
  log::set_level(log::level::debug);
  testing::internal::CaptureStderr();
  transcript said;
  {
    asio::io_context io;
    auto opts = fake_options(fake);
    opts.max_attempts = 2;
    client api(io, opts);
    said.add(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
    // 5xx, a reset, a 429, an expired token, a refused refresh, a refused JWT, a wrong secret.
    fake.control("POST", "/_fake/faults", R"({"path":"extension","count":2,"action":"respond","status":503})");
    said.add(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
    fake.control("POST", "/_fake/faults", R"({"path":"extension","count":2,"action":"reset"})");
    said.add(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
    fake.control("POST", "/_fake/faults", R"({"path":"extension","count":1,"action":"respond","status":429,"retry_after":1})");
    said.add(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
    fake.control("POST", "/_fake/tokens/expire", R"({"access":true,"refresh":true})");
    fake.control("POST", "/_fake/jwt", R"({"refuse":true})");
    said.add(run(io, api.get(own_extension, rate_group::light, own_extension_template)));
    said.add(run(io, api.ensure_token()));
    said.add(api);
    auto wrong = fake_options(fake);
    wrong.client_secret = "wrong-secret-value";
    client other(io, wrong);
    said.add(run(io, other.ensure_token()));
    said.add(other);
    EXPECT_EQ(api.status().state, ringcentral::token_status::state::failed);
  }
  const std::string logged = testing::internal::GetCapturedStderr();
  log::set_level(log::level::info);
  ASSERT_NE(logged.find("ringcentral"), std::string::npos) << "the scenario logged nothing: the test proves nothing";
  ASSERT_NE(said.text.find("OAU-140"), std::string::npos);
  expect_clean(logged + said.text, {fake_client_secret, fake_jwt, "wrong-secret-value"});
  // The Basic header's value is a secret too.
  expect_clean(logged + said.text, {"ZmFrZS1jbGllbnQtaWQ6ZmFrZS1jbGllbnQtc2VjcmV0"});
}

TEST(Secrets, EchoedInAServersErrorMessageTheyAreRedacted) {
  echoing_server server;
  log::set_level(log::level::debug);
  testing::internal::CaptureStderr();
  transcript said;
  {
    asio::io_context io;
    ringcentral::client_options opts;
    opts.server = server.base();
    opts.client_id = std::string(fake_client_id);
    opts.client_secret = std::string(fake_client_secret);
    opts.jwt = std::string(fake_jwt);
    opts.max_attempts = 1;
    client api(io, opts);
    said.add(run(io, api.get("/restapi/v1.0/anything", rate_group::light, "/anything")));
    // A 401 makes it refresh; the refusal quotes the refresh token.
    said.add(run(io, api.get("/restapi/v1.0/unauthorized", rate_group::light, "/unauthorized")));
    said.add(api);
  }
  const std::string logged = testing::internal::GetCapturedStderr();
  log::set_level(log::level::info);
  ASSERT_NE(said.text.find("[redacted]"), std::string::npos) << said.text;
  expect_clean(logged + said.text, {echoed_access, echoed_refresh, fake_client_secret, fake_jwt});
}
