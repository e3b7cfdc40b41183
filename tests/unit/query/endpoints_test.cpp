// The other query routes: single message, events, conversations, stats,
// dead letters, health, metrics, 404/405 and the bearer token.

#include "query_fixture.hpp"

#include <sstream>

namespace rcvault::test {
namespace {

namespace bh = boost::beast::http;

dataset_options small_archive() {
  dataset_options o;
  o.customers = 300;
  return o;
}

TEST(QueryEndpoints, UnknownMessageIs404NotFound) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/messages/123456");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(a.get("/v1/messages/123456/events").status, 404u);
  EXPECT_EQ(a.get("/v1/events/no-such-uuid").status, 404u);
}

TEST(QueryEndpoints, UnknownPathIs404) {
  query_archive a(10, small_archive());
  EXPECT_EQ(a.get("/v2/messages").status, 404u);
  EXPECT_EQ(a.get("/v1/messages/1/2/3").status, 404u);
}

TEST(QueryEndpoints, SubscriptionIs404NotManagedWithoutAKeeper) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/subscription");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "not_managed");
}

TEST(QueryEndpoints, OtherMethodsAre405WithAllowGet) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/messages", {}, bh::verb::post);
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header(bh::field::allow), "GET");
}

TEST(QueryEndpoints, ParametersOnARouteWithoutThemAre400) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/stats?verbose=1");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("verbose"), std::string::npos);
}

TEST(QueryEndpoints, MessageEventsEmbedTheEnvelopeExactly) {
  query_archive a(10, small_archive());
  const auto note = make_notification(small_archive(), 4);
  auto r = a.get("/v1/messages/94/events");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("\"envelope\":" + note.raw + "}"), std::string::npos) << r.body;
  auto v = r.json();
  const auto& e = v.at("records").at(0).as_object();
  EXPECT_EQ(e.at("uuid").as_string(), note.uuid);
  EXPECT_EQ(e.at("kind").as_string(), core::to_string(note.kind));
  EXPECT_EQ(e.at("outcome").as_string(), "applied");
  EXPECT_EQ(e.at("messageId").as_string(), "94");
}

TEST(QueryEndpoints, EventByUuidReturnsTheStoredEnvelope) {
  query_archive a(10, small_archive());
  const auto note = make_notification(small_archive(), 2);
  auto r = a.get("/v1/events/" + note.uuid);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.substr(r.body.size() - note.raw.size() - 1), note.raw + "}");
  auto v = r.json();
  EXPECT_EQ(v.at("event").as_string(), note.event);
  EXPECT_TRUE(v.at("receivedAt").is_string());
}

TEST(QueryEndpoints, EventsOfAMessageAreOldestFirst) {
  query_archive a(10, small_archive());
  auto update = make_notification(small_archive(), 3);
  update.uuid += "-update";
  update.msg->read_status = "Read";
  update.msg->last_modified_time = *update.msg->last_modified_time + 60'000;
  a.add({update});
  auto v = a.get("/v1/messages/93/events").json();
  ASSERT_EQ(v.at("records").as_array().size(), 2u);
  EXPECT_EQ(v.at("records").at(1).at("uuid").as_string(), update.uuid);
}

TEST(QueryEndpoints, ConversationsAreMostRecentFirstWithCounts) {
  query_archive a(500, small_archive());
  auto v = a.get("/v1/conversations?perPage=5").json();
  const auto& recs = v.at("records").as_array();
  ASSERT_EQ(recs.size(), 5u);
  // The first conversation is the newest message's conversation.
  const auto newest = make_notification(small_archive(), 499);
  std::size_t newest_with_conv = 499;
  while (!make_notification(small_archive(), newest_with_conv).msg->conversation_id) --newest_with_conv;
  const auto want = *make_notification(small_archive(), newest_with_conv).msg->conversation_id;
  EXPECT_EQ(recs[0].at("conversationId").as_string(), want);
  std::size_t count = 0;
  for (std::size_t i = 0; i < 500; ++i)
    if (make_notification(small_archive(), i).msg->conversation_id == want) ++count;
  EXPECT_EQ(recs[0].at("messageCount").as_int64(), static_cast<std::int64_t>(count));
  EXPECT_FALSE(recs[0].at("participants").as_array().empty());
  EXPECT_TRUE(recs[0].at("lastMessage").at("id").is_string());
  (void)newest;
}

TEST(QueryEndpoints, ConversationPagesNeverRepeatAConversation) {
  query_archive a(600, small_archive());
  std::set<std::string> seen;
  std::string target = "/v1/conversations?perPage=50";
  std::size_t total = 0;
  for (int i = 0; i < 100; ++i) {
    auto v = a.get(target).json();
    for (const auto& c : v.at("records").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(c.at("conversationId").as_string())).second);
      ++total;
    }
    if (!v.at("paging").as_object().contains("nextPageToken")) break;
    target = "/v1/conversations?perPage=50&pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string());
  }
  std::set<std::string> want;
  for (std::size_t i = 0; i < 600; ++i)
    if (auto c = make_notification(small_archive(), i).msg->conversation_id) want.insert(*c);
  EXPECT_EQ(seen, want);
  EXPECT_EQ(total, want.size());
}

TEST(QueryEndpoints, ConversationMessagesAreOldestFirst) {
  query_archive a(500, small_archive());
  const auto conv = busiest_conversation(small_archive(), 500);
  std::vector<std::string> want;
  for (std::size_t i = 0; i < 500; ++i) {
    auto n = make_notification(small_archive(), i);
    if (n.msg->conversation_id == conv) want.push_back(n.msg->id);
  }
  auto v = a.get("/v1/conversations/" + conv + "/messages").json();
  EXPECT_EQ(record_ids(v), want);
}

TEST(QueryEndpoints, StatsCountByTypeAndDirection) {
  query_archive a(300, small_archive());
  auto v = a.get("/v1/stats").json();
  std::map<std::string, std::int64_t> types;
  std::int64_t inbound = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    auto n = make_notification(small_archive(), i);
    ++types[*n.msg->type];
    inbound += n.msg->direction == "Inbound";
  }
  EXPECT_EQ(v.at("events").at("total").as_int64(), 300);
  EXPECT_EQ(v.at("events").at("applied").as_int64(), 300);
  EXPECT_EQ(v.at("messages").at("total").as_int64(), 300);
  EXPECT_EQ(v.at("messages").at("byType").at("SMS").as_int64(), types["SMS"]);
  EXPECT_EQ(v.at("messages").at("byDirection").at("Inbound").as_int64(), inbound);
  EXPECT_EQ(v.at("oldestMessage").as_string(), "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(v.at("newestMessage").as_string(), "2024-01-01T04:59:00.000Z");
  EXPECT_GT(v.at("databaseBytes").as_int64(), 0);
}

TEST(QueryEndpoints, RejectedListsDeadLettersNewestFirst) {
  query_archive a(1, small_archive());
  a.writer().reject({1'700'000'000'000, "invalid_json", "at byte 1", 3, "{x\xff"});
  a.writer().reject({1'700'000'001'000, "invalid_envelope", "no uuid", 2, "{}"});
  a.add_newer(1);  // the writer's queue is ordered: once this commits, both dead letters have
  auto v = a.get("/v1/rejected").json();
  const auto& recs = v.at("records").as_array();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].at("code").as_string(), "invalid_envelope");
  EXPECT_EQ(recs[1].at("head").as_string(), "{x\xEF\xBF\xBD");
  EXPECT_EQ(a.get("/v1/stats").json().at("rejected").as_int64(), 2);
}

TEST(QueryEndpoints, HealthAndReadinessAnswer200) {
  query_archive a(1, small_archive());
  EXPECT_EQ(a.get("/healthz").status, 200u);
  EXPECT_EQ(a.get("/readyz").status, 200u);
}

TEST(QueryAuth, TokenRequiredWhenConfigured) {
  query_archive a(5, small_archive());
  a.ctx().token = "s3cret-token";
  auto r = a.get("/v1/messages");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "unauthorized");
  EXPECT_EQ(r.header(bh::field::www_authenticate), "Bearer");
  EXPECT_EQ(a.get("/v1/messages", {{bh::field::authorization, "Bearer s3cret-tokeN"}}).status, 401u);
  EXPECT_EQ(a.get("/v1/messages", {{bh::field::authorization, "Bearer s3cret-token-"}}).status, 401u);
  EXPECT_EQ(a.get("/metrics").status, 401u);
  EXPECT_EQ(a.get("/v1/nothing").status, 401u);  // no route discovery without the token
  EXPECT_EQ(a.get("/v1/messages", {{bh::field::authorization, "Bearer s3cret-token"}}).status, 200u);
}

TEST(QueryAuth, HealthzStaysOpen) {
  query_archive a(1, small_archive());
  a.ctx().token = "s3cret-token";
  EXPECT_EQ(a.get("/healthz").status, 200u);
}

// Parses Prometheus text: every sample line is `name{labels} value`.
std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.rfind(' ');
    EXPECT_NE(sp, std::string::npos) << line;
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

TEST(QueryMetrics, ExpositionParsesAndEveryNameIsRcvault) {
  query_archive a(20, small_archive());
  a.ctx().stats.count_request("/v1/messages", 200);
  a.ctx().stats.count_request("/v1/messages", 200);
  a.ctx().stats.count_notification("stored");
  a.ctx().stats.observe_ack_seconds(0.003);
  a.ctx().stats.set_last_notification(1'700'000'000'500);
  auto r = a.get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type.rfind("text/plain; version=0.0.4", 0), 0u);
  auto m = parse_metrics(r.body);
  for (const auto& [name, value] : m) EXPECT_EQ(name.rfind("rcvault_", 0), 0u) << name;
  EXPECT_EQ((m["rcvault_http_requests_total{route=\"/v1/messages\",status=\"200\"}"]), 2);
  EXPECT_EQ((m["rcvault_notifications_total{outcome=\"stored\"}"]), 1);
  EXPECT_EQ((m["rcvault_ack_seconds_bucket{le=\"0.0025\"}"]), 0);
  EXPECT_EQ((m["rcvault_ack_seconds_bucket{le=\"0.005\"}"]), 1);
  EXPECT_EQ((m["rcvault_ack_seconds_bucket{le=\"+Inf\"}"]), 1);
  EXPECT_EQ(m["rcvault_ack_seconds_count"], 1);
  EXPECT_DOUBLE_EQ(m["rcvault_last_notification_timestamp_seconds"], 1'700'000'000.5);
  EXPECT_GT(m["rcvault_database_bytes"], 0);
  EXPECT_EQ(m["rcvault_writer_notifications_total"], 20);
  EXPECT_TRUE(m.contains("rcvault_writer_queue_depth"));
  EXPECT_GT(m["rcvault_writer_commit_seconds_total"], 0);
  // synchronous=normal here: no sync thread, nothing failed.
  EXPECT_EQ(m["rcvault_writer_wal_syncs_total"], 0);
  EXPECT_EQ(m["rcvault_writer_wal_sync_failed"], 0);
  EXPECT_TRUE(m.contains("rcvault_writer_checkpoint_waits_total"));
  EXPECT_TRUE(m.contains("rcvault_writer_checkpoint_wait_seconds_total"));
  EXPECT_TRUE(m.contains("rcvault_writer_wal_sync_seconds_total"));
}

// Once an fdatasync of the WAL failed, rcvault answers every notification 503
// until restarted: /readyz says so, /healthz (the process runs) does not.
TEST(QueryEndpoints, ReadinessFailsOnceAWalSyncFailed) {
  query_archive a(1, small_archive());
  a.ctx().writer_stats = [] {
    store::writer_stats w;
    w.wal_syncs = 3;
    w.wal_sync_failed = true;
    return std::optional(w);
  };
  auto r = a.get("/readyz");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "unavailable");
  EXPECT_NE(std::string(r.json().at("error").at("message").as_string()).find("fdatasync"), std::string::npos);
  EXPECT_EQ(a.get("/healthz").status, 200u);
  auto m = parse_metrics(a.get("/metrics").body);
  EXPECT_EQ(m["rcvault_writer_wal_sync_failed"], 1);
  EXPECT_EQ(m["rcvault_writer_wal_syncs_total"], 3);
}

TEST(QueryMetrics, RouteNamesUsePatternsNotIds) {
  EXPECT_EQ(http::query_route_name("/v1/messages/123?x=1"), "/v1/messages/{id}");
  EXPECT_EQ(http::query_route_name("/v1/messages"), "/v1/messages");
  EXPECT_EQ(http::query_route_name("/nope"), "unknown");
}

}  // namespace
}  // namespace rcvault::test
