// docs/ingest.md, rule by rule, against the real app over real HTTP.
#include "envelopes.hpp"
#include "http_client.hpp"
#include "running_app.hpp"

#include "rcvault/store/reader.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rcvault::test {
namespace {

const std::string sample_uuid = "11111111-2222-4333-8444-555555555555";

std::string error_code_of(const http_response& r) {
  auto v = boost::json::parse(r.body);
  return std::string(v.at("error").at("code").as_string());
}

bool stored(const running_app& a, const std::string& uuid) {
  store::reader r(a.store_options());
  return r.event(uuid).has_value();
}

// The writer handles its queue in order: once a later notification is
// acknowledged, every dead letter queued before it has been committed too.
void flush(running_app& a, const header_list& headers = {}) {
  http_client c(a.ingest_port());
  ASSERT_EQ(c.post_json("/webhook", sms_envelope("ffffffff-0000-4000-8000-000000000000", "999"), headers).status, 200u);
}

TEST(Ingest, NotificationIsStoredAndAnsweredStored) {
  running_app a;
  http_client c(a.ingest_port());
  auto body = read_file(shared_payload_path("01-instant-sms-2025-docs.json"));
  auto uuid = std::string(boost::json::parse(body).at("uuid").as_string());
  auto r = c.post_json("/webhook", body);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  auto v = boost::json::parse(r.body);
  EXPECT_EQ(v.at("status").as_string(), "stored");
  EXPECT_EQ(v.at("uuid").as_string(), uuid);
  EXPECT_TRUE(stored(a, uuid));
}

// The value of an unlabelled sample in Prometheus text, or -1 when absent.
double metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

// With synchronous=full (the default) every 200 waited for an fdatasync of the
// WAL on the sync thread; /metrics says how many and how long, so an admin can
// tell a slow disk from a busy writer.
TEST(Ingest, MetricsShowTheWalSyncsBehindTheAcknowledgements) {
  running_app a;
  ASSERT_EQ(a.cfg().store.synchronous, config::synchronous_mode::full);
  http_client c(a.ingest_port());
  for (int i = 0; i < 5; ++i) {
    const auto uuid = "11111111-2222-4333-8444-00000000000" + std::to_string(i);
    ASSERT_EQ(c.post_json("/webhook", sms_envelope(uuid, std::to_string(500 + i))).status, 200u);
  }
  http_client q(a.query_port());
  const auto m = q.get("/metrics").body;
  // One request at a time: each acknowledgement needed a sync of its own.
  EXPECT_GE(metric(m, "rcvault_writer_wal_syncs_total"), 5);
  EXPECT_GT(metric(m, "rcvault_writer_wal_sync_seconds_total"), 0);
  EXPECT_GT(metric(m, "rcvault_writer_commit_seconds_total"), 0);
  EXPECT_EQ(metric(m, "rcvault_writer_wal_sync_failed"), 0);
  EXPECT_GE(metric(m, "rcvault_writer_checkpoint_waits_total"), 0);
  EXPECT_EQ(q.get("/readyz").status, 200u);
}

TEST(Ingest, AcknowledgedEventKeepsTheBytesAsReceived) {
  running_app a;
  http_client c(a.ingest_port());
  auto body = sms_envelope(sample_uuid, "42");
  ASSERT_EQ(c.post_json("/webhook", body).status, 200u);
  store::reader r(a.store_options());
  auto e = r.event(sample_uuid);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->raw, body);
}

TEST(Ingest, SameUuidTwiceAnswersDuplicate) {
  running_app a;
  http_client c(a.ingest_port());
  auto body = sms_envelope(sample_uuid, "42");
  ASSERT_EQ(c.post_json("/webhook", body).status, 200u);
  auto r = c.post_json("/webhook", body);
  EXPECT_EQ(r.status, 200u);
  auto v = boost::json::parse(r.body);
  EXPECT_EQ(v.at("status").as_string(), "duplicate");
  EXPECT_EQ(v.at("uuid").as_string(), sample_uuid);
}

TEST(Ingest, PathWithQueryStringIsTheWebhook) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook?auth_token=abc", sms_envelope(sample_uuid, "42"));
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(stored(a, sample_uuid));
}

TEST(Ingest, ConfiguredPathIsTheOnlyWebhook) {
  running_app a([](config::config& c) { c.ingest.path = "/rc/hook"; });
  http_client c(a.ingest_port());
  EXPECT_EQ(c.post_json("/webhook", sms_envelope(sample_uuid, "42")).status, 404u);
  EXPECT_EQ(c.post_json("/rc/hook", sms_envelope(sample_uuid, "42")).status, 200u);
}

TEST(Ingest, OtherMethodOnThePathIs405WithAllowPost) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.get("/webhook");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("Allow").value_or(""), "POST");
  EXPECT_EQ(error_code_of(r), "method_not_allowed");
}

TEST(Ingest, OtherPathIs404) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/v1/messages", sms_envelope(sample_uuid, "42"));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(error_code_of(r), "not_found");
  EXPECT_FALSE(stored(a, sample_uuid));
}

TEST(Ingest, HandshakeEchoesValidationTokenInUnder1024Bytes) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.request("POST", "/webhook", "", {{"Validation-Token", "a1b2c3d4-e5f6-4789-abcd-ef0123456789"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Validation-Token").value_or(""), "a1b2c3d4-e5f6-4789-abcd-ef0123456789");
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  EXPECT_LT(r.raw_bytes, 1024u);
}

TEST(Ingest, HandshakeStoresNothing) {
  running_app a;
  http_client c(a.ingest_port());
  ASSERT_EQ(c.request("POST", "/webhook", "", {{"Validation-Token", "tok"}}).status, 200u);
  flush(a);
  store::reader r(a.store_options());
  EXPECT_EQ(r.stats().rejected, 0);
  EXPECT_EQ(r.stats().counters["events.total"], 1);  // only flush()'s notification
}

TEST(Ingest, HandshakeSucceedsWithVerificationTokenConfigured) {
  running_app a([](config::config& c) { c.ingest.verification_token = "s3cret"; });
  http_client c(a.ingest_port());
  auto r = c.request("POST", "/webhook", "", {{"Validation-Token", "handshake-token"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Validation-Token").value_or(""), "handshake-token");
}

TEST(Ingest, ValidationTokenIsEchoedOnANotification) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Validation-Token", "echo-me"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Validation-Token").value_or(""), "echo-me");
  EXPECT_TRUE(stored(a, sample_uuid));
}

TEST(Ingest, WrongVerificationTokenIs401AndStoresNothing) {
  running_app a([](config::config& c) { c.ingest.verification_token = "s3cret"; });
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Verification-Token", "s3creT"}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(error_code_of(r), "bad_verification_token");
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos);
  flush(a, {{"Verification-Token", "s3cret"}});
  EXPECT_FALSE(stored(a, sample_uuid));
}

TEST(Ingest, MissingVerificationTokenIs401) {
  running_app a([](config::config& c) { c.ingest.verification_token = "s3cret"; });
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"));
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(error_code_of(r), "bad_verification_token");
}

TEST(Ingest, RightVerificationTokenIsStored) {
  running_app a([](config::config& c) { c.ingest.verification_token = "s3cret"; });
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Verification-Token", "s3cret"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(stored(a, sample_uuid));
}

TEST(Ingest, ValidationTokenStandsInForAMissingVerificationToken) {
  running_app a([](config::config& c) { c.ingest.verification_token = "s3cret"; });
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Validation-Token", "s3cret"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(stored(a, sample_uuid));
}

TEST(Ingest, OversizedContentLengthIs413BeforeTheBodyIsSent) {
  running_app a;
  http_client c(a.ingest_port());
  // Only the header goes out: the answer must not wait for 10 MB that never come.
  c.send_raw("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413u);
  EXPECT_EQ(error_code_of(*r), "body_too_large");
}

TEST(Ingest, OversizedChunkedBodyIs413) {
  running_app a([](config::config& c) { c.ingest.max_body_bytes = 1000; });
  http_client c(a.ingest_port());
  std::string chunk(1500, 'x');
  c.send_raw("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
             std::string("5DC\r\n") + chunk + "\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413u);
  EXPECT_EQ(error_code_of(*r), "body_too_large");
}

TEST(Ingest, BodyAtTheLimitIsAccepted) {
  auto body = sms_envelope(sample_uuid, "42");
  running_app a([&](config::config& c) { c.ingest.max_body_bytes = body.size(); });
  http_client c(a.ingest_port());
  EXPECT_EQ(c.post_json("/webhook", body).status, 200u);
}

TEST(Ingest, NonJsonContentTypeIs415) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415u);
  EXPECT_EQ(error_code_of(r), "unsupported_media_type");
  flush(a);
  EXPECT_FALSE(stored(a, sample_uuid));
}

TEST(Ingest, MissingContentTypeIs415) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.request("POST", "/webhook", sms_envelope(sample_uuid, "42"));
  EXPECT_EQ(r.status, 415u);
}

TEST(Ingest, JsonContentTypeWithCharsetInAnyCaseIsAccepted) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Content-Type", "Application/JSON; charset=UTF-8"}});
  EXPECT_EQ(r.status, 200u);
}

TEST(Ingest, InvalidJsonIs400WithOffsetAndADeadLetter) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", R"({"uuid":"x","body":{)");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(error_code_of(r), "invalid_json");
  EXPECT_NE(r.body.find("byte 20"), std::string::npos) << r.body;
  flush(a);
  store::reader reader(a.store_options());
  EXPECT_EQ(reader.stats().rejected, 1);
}

TEST(Ingest, JsonThatIsNotAnObjectIs400InvalidJson) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", "[1,2,3]");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(error_code_of(r), "invalid_json");
}

TEST(Ingest, EnvelopeWithoutUuidIs400InvalidEnvelopeAndADeadLetter) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", R"({"event":"/restapi/v1.0/account/~/extension/~/message-store","body":{}})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(error_code_of(r), "invalid_envelope");
  flush(a);
  store::reader reader(a.store_options());
  auto rows = reader.rejected(std::nullopt, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].code, "invalid_envelope");
}

TEST(Ingest, UnknownEventKindIsStoredRawAnd200) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", R"({"uuid":")" + sample_uuid +
                                       R"(","event":"/restapi/v1.0/glip/posts","body":{"text":"hi"}})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(std::string(boost::json::parse(r.body).at("status").as_string()), "stored");
  EXPECT_TRUE(stored(a, sample_uuid));
}

TEST(Ingest, MessageBodyOfTheWrongShapeIsStoredUnnormalisedAnd200) {
  running_app a;
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", R"({"uuid":")" + sample_uuid +
                                       R"(","event":"/restapi/v1.0/account/~/extension/1/message-store/instant?type=SMS",)"
                                       R"("body":{"id":"7","from":"not an object","to":42}})");
  EXPECT_EQ(r.status, 200u);
  store::reader reader(a.store_options());
  auto e = reader.event(sample_uuid);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->outcome, core::outcome::unnormalised);
}

TEST(Ingest, FullQueueIs503WithRetryAfter) {
  running_app a([](config::config& c) { c.store.queue_max = 0; });
  http_client c(a.ingest_port());
  auto r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"));
  EXPECT_EQ(r.status, 503u);
  EXPECT_TRUE(r.header("Retry-After").has_value());
  EXPECT_EQ(error_code_of(r), "unavailable");
  EXPECT_FALSE(stored(a, sample_uuid));
}

TEST(Ingest, ResponsesToTheSenderStayUnder1024Bytes) {
  running_app a;
  http_client c(a.ingest_port());
  auto stored_r = c.post_json("/webhook", sms_envelope(sample_uuid, "42"), {{"Validation-Token", "t"}});
  auto bad = c.post_json("/webhook", "{", {{"Verification-Token", "t"}});
  EXPECT_LT(stored_r.raw_bytes, 1024u);
  EXPECT_LT(bad.raw_bytes, 1024u);
}

}  // namespace
}  // namespace rcvault::test
