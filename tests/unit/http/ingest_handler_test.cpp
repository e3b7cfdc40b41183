// The webhook handler without sockets: requests in, responses out, a fake
// accept step (the real one, with its dead letters, is tested in tests/unit/accept).
#include "rcvault/http/error_response.hpp"
#include "rcvault/http/ingest.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include <exception>
#include <thread>
#include <vector>

namespace rcvault::http {
namespace {

namespace bhttp = boost::beast::http;

const std::string envelope =
    R"({"uuid":"u-1","event":"/restapi/v1.0/account/~/extension/1/message-store/instant?type=SMS",)"
    R"("body":{"id":"42","type":"SMS","direction":"Inbound","from":{"phoneNumber":"+16505550100"},)"
    R"("creationTime":"2025-03-01T10:00:00Z"}})";

// What the handler handed to the accept step with a body that did not parse.
struct refused_body {
  std::string code;
  std::string raw;
};

// An accept-step stand-in that records what it got and answers parsed items
// with `answer`, from another thread when `threaded` (as the writer does).
struct fake_writer {
  std::vector<core::notification> submitted;
  std::vector<refused_body> rejected;
  accept::outcome answer = stored_answer();
  bool threaded = false;
  std::vector<std::thread> threads;

  static accept::outcome stored_answer() {
    accept::outcome o;
    o.state = accept::outcome::status::stored;
    return o;
  }

  ~fake_writer() {
    for (auto& t : threads) t.join();
  }

  ingest_context context(ingest_settings settings = {}) {
    ingest_context ctx;
    ctx.settings = std::move(settings);
    ctx.target.accept = [this](core::result<core::notification> parsed, std::string_view raw,
                               accept::completion done) {
      if (!parsed) {
        rejected.push_back({std::string(core::code_name(parsed.error().code)), std::string(raw)});
        accept::outcome o;
        o.state = accept::outcome::status::refused;
        o.refusal = parsed.error();
        done(o);
        return;
      }
      accept::outcome a = answer;
      a.uuid = parsed->uuid;
      submitted.push_back(std::move(*parsed));
      if (threaded) {
        threads.emplace_back([done = std::move(done), a] { done(a); });
      } else {
        done(a);
      }
    };
    return ctx;
  }
};

request post(std::string body, std::string content_type = "application/json") {
  request req{bhttp::verb::post, "/webhook", 11};
  if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

response run(const request& req, ingest_context& ctx) {
  boost::asio::io_context io;
  std::optional<response> out;
  boost::asio::co_spawn(io, handle_ingest(req, ctx), [&](std::exception_ptr e, response r) {
    if (e) std::rethrow_exception(e);
    out = std::move(r);
  });
  io.run();
  if (!out) throw std::runtime_error("handler never completed");
  return std::move(*out);
}

std::string code_of(const response& r) {
  return std::string(boost::json::parse(r.body()).at("error").at("code").as_string());
}

TEST(IngestHandler, StoredNotificationAnswersStoredWithItsUuid) {
  fake_writer w;
  auto ctx = w.context();
  auto r = run(post(envelope), ctx);
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), R"({"status":"stored","uuid":"u-1"})");
  ASSERT_EQ(w.submitted.size(), 1u);
  EXPECT_EQ(w.submitted[0].raw, envelope);
}

TEST(IngestHandler, CompletionFromTheWriterThreadResumesTheHandler) {
  fake_writer w;
  w.threaded = true;
  auto ctx = w.context();
  auto r = run(post(envelope), ctx);
  EXPECT_EQ(r.result_int(), 200u);
}

TEST(IngestHandler, DuplicateAnswersDuplicate) {
  fake_writer w;
  w.answer.state = accept::outcome::status::duplicate;
  auto ctx = w.context();
  auto r = run(post(envelope), ctx);
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), R"({"status":"duplicate","uuid":"u-1"})");
}

TEST(IngestHandler, UnavailableIs503WithRetryAfter) {
  fake_writer w;
  w.answer.state = accept::outcome::status::unavailable;
  auto ctx = w.context();
  auto r = run(post(envelope), ctx);
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_FALSE(r[bhttp::field::retry_after].empty());
  EXPECT_EQ(code_of(r), "unavailable");
}

TEST(IngestHandler, OtherMethodIs405WithAllowPost) {
  fake_writer w;
  auto ctx = w.context();
  auto req = post(envelope);
  req.method(bhttp::verb::put);
  auto r = run(req, ctx);
  EXPECT_EQ(r.result_int(), 405u);
  EXPECT_EQ(r[bhttp::field::allow], "POST");
  EXPECT_TRUE(w.submitted.empty());
}

TEST(IngestHandler, HandshakeWithEmptyBodyEchoesTheTokenAndSubmitsNothing) {
  fake_writer w;
  auto ctx = w.context();
  auto req = post("", "");
  req.set("Validation-Token", "abc");
  auto r = run(req, ctx);
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r["Validation-Token"], "abc");
  EXPECT_EQ(r[bhttp::field::content_type], "application/json");
  EXPECT_TRUE(w.submitted.empty());
  EXPECT_TRUE(w.rejected.empty());
}

TEST(IngestHandler, HandshakeIgnoresTheVerificationToken) {
  fake_writer w;
  auto ctx = w.context({"/webhook", "s3cret", 1048576});
  auto req = post("", "");
  req.set("Validation-Token", "not-the-secret");
  EXPECT_EQ(run(req, ctx).result_int(), 200u);
}

TEST(IngestHandler, HandshakeWithANonEnvelopeBodyIsStill200) {
  fake_writer w;
  auto ctx = w.context();
  auto req = post(R"({"hello":"world"})");
  req.set("Validation-Token", "abc");
  EXPECT_EQ(run(req, ctx).result_int(), 200u);
  EXPECT_TRUE(w.rejected.empty());
}

TEST(IngestHandler, ValidationTokenIsEchoedOnAStoredNotification) {
  fake_writer w;
  auto ctx = w.context();
  auto req = post(envelope);
  req.set("Validation-Token", "abc");
  auto r = run(req, ctx);
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r["Validation-Token"], "abc");
  EXPECT_EQ(w.submitted.size(), 1u);
}

TEST(IngestHandler, WrongVerificationTokenIs401AndSubmitsNothing) {
  fake_writer w;
  auto ctx = w.context({"/webhook", "s3cret", 1048576});
  auto req = post(envelope);
  req.set("Verification-Token", "s3cre");
  auto r = run(req, ctx);
  EXPECT_EQ(r.result_int(), 401u);
  EXPECT_EQ(code_of(r), "bad_verification_token");
  EXPECT_TRUE(w.submitted.empty());
}

TEST(IngestHandler, VerificationTokenHeaderWinsOverValidationToken) {
  fake_writer w;
  auto ctx = w.context({"/webhook", "s3cret", 1048576});
  auto req = post(envelope);
  req.set("Verification-Token", "wrong");
  req.set("Validation-Token", "s3cret");
  EXPECT_EQ(run(req, ctx).result_int(), 401u);
}

TEST(IngestHandler, ValidationTokenIsTheFallbackVerification) {
  fake_writer w;
  auto ctx = w.context({"/webhook", "s3cret", 1048576});
  auto req = post(envelope);
  req.set("Validation-Token", "s3cret");
  EXPECT_EQ(run(req, ctx).result_int(), 200u);
}

TEST(IngestHandler, BodyOverTheLimitIs413) {
  fake_writer w;
  auto ctx = w.context({"/webhook", std::nullopt, 16});
  auto r = run(post(envelope), ctx);
  EXPECT_EQ(r.result_int(), 413u);
  EXPECT_EQ(code_of(r), "body_too_large");
}

TEST(IngestHandler, VerificationIsCheckedBeforeTheSize) {
  fake_writer w;
  auto ctx = w.context({"/webhook", "s3cret", 16});
  EXPECT_EQ(run(post(envelope), ctx).result_int(), 401u);
}

TEST(IngestHandler, NonJsonContentTypeIs415) {
  fake_writer w;
  auto ctx = w.context();
  auto r = run(post(envelope, "application/x-www-form-urlencoded"), ctx);
  EXPECT_EQ(r.result_int(), 415u);
  EXPECT_EQ(code_of(r), "unsupported_media_type");
}

TEST(IngestHandler, InvalidJsonIs400AndADeadLetter) {
  fake_writer w;
  auto ctx = w.context();
  auto r = run(post("{\"uuid\":"), ctx);
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(code_of(r), "invalid_json");
  ASSERT_EQ(w.rejected.size(), 1u);
  EXPECT_EQ(w.rejected[0].code, "invalid_json");
  EXPECT_EQ(w.rejected[0].raw, "{\"uuid\":");
  EXPECT_TRUE(w.submitted.empty());
}

TEST(IngestHandler, ObjectWithoutUuidIs400InvalidEnvelope) {
  fake_writer w;
  auto ctx = w.context();
  auto r = run(post(R"({"body":{}})"), ctx);
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(code_of(r), "invalid_envelope");
  EXPECT_EQ(w.rejected.size(), 1u);
}

TEST(MediaType, JsonWithParametersInAnyCaseIsJson) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=UTF-8"));
  EXPECT_TRUE(is_json_media_type(" application/json ;charset=utf-8"));
}

TEST(MediaType, OtherTypesAreNotJson) {
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/json-patch+json"));
  EXPECT_FALSE(is_json_media_type(""));
}

TEST(ConstantTimeEqual, EqualOnlyForTheSameBytes) {
  EXPECT_TRUE(constant_time_equal("s3cret", "s3cret"));
  EXPECT_FALSE(constant_time_equal("s3cret", "s3cre"));
  EXPECT_FALSE(constant_time_equal("s3cret", "s3crett"));
  EXPECT_FALSE(constant_time_equal("s3cret", "S3cret"));
  EXPECT_FALSE(constant_time_equal("s3cret", ""));
}

TEST(ErrorResponse, EveryCodeMapsToItsStatus) {
  EXPECT_EQ(status_of(core::errc::invalid_json), 400u);
  EXPECT_EQ(status_of(core::errc::invalid_envelope), 400u);
  EXPECT_EQ(status_of(core::errc::bad_verification_token), 401u);
  EXPECT_EQ(status_of(core::errc::not_found), 404u);
  EXPECT_EQ(status_of(core::errc::method_not_allowed), 405u);
  EXPECT_EQ(status_of(core::errc::body_too_large), 413u);
  EXPECT_EQ(status_of(core::errc::unsupported_media_type), 415u);
  EXPECT_EQ(status_of(core::errc::unavailable), 503u);
  EXPECT_EQ(status_of(core::errc::internal), 500u);
}

TEST(ErrorResponse, BodyIsTheSmallJsonError) {
  auto r = error_response({core::errc::invalid_json, "bad \"byte\" at offset 3"});
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(r[bhttp::field::content_type], "application/json");
  auto v = boost::json::parse(r.body());
  EXPECT_EQ(v.at("error").at("code").as_string(), "invalid_json");
  EXPECT_EQ(v.at("error").at("message").as_string(), "bad \"byte\" at offset 3");
}

TEST(PathOf, QueryStringIsDropped) {
  EXPECT_EQ(path_of("/webhook?auth_token=x"), "/webhook");
  EXPECT_EQ(path_of("/webhook"), "/webhook");
}

}  // namespace
}  // namespace rcvault::http
