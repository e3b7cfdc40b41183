// GET /v1/messages over a generated archive: every filter against a brute-force
// filter of the same generated messages, ordering, paging, search, exports.

#include "query_fixture.hpp"

#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"

#include <set>

namespace rcvault::test {
namespace {

constexpr std::size_t archive_size = 2000;

dataset_options small_archive() {
  dataset_options o;
  o.customers = 300;
  return o;
}

// The ids of generated messages 0..n-1 matching `pred`, newest first.
std::vector<std::string> expected(std::size_t n, const std::function<bool(const core::message&)>& pred,
                                  std::size_t limit = 100000) {
  std::vector<std::string> out;
  const auto opts = small_archive();
  for (std::size_t i = n; i-- > 0 && out.size() < limit;) {
    auto note = make_notification(opts, i);
    if (pred(*note.msg)) out.push_back(note.msg->id);
  }
  return out;
}

// Follows nextPageToken to the end and returns every id seen.
std::vector<std::string> all_pages(query_archive& a, const std::string& target) {
  std::vector<std::string> ids;
  std::string next = target;
  for (int guard = 0; guard < 10000; ++guard) {
    auto r = a.get(next);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200) break;
    auto v = r.json();
    for (auto& id : record_ids(v)) ids.push_back(id);
    const auto& paging = v.at("paging").as_object();
    if (!paging.contains("nextPageToken")) break;
    next = target + (target.find('?') == std::string::npos ? "?" : "&") +
           "pageToken=" + std::string(paging.at("nextPageToken").as_string());
  }
  return ids;
}

bool subject_has(const core::message& m, std::string_view word) {
  if (!m.subject) return false;
  const std::string s = " " + *m.subject + " ";
  return s.find(" " + std::string(word) + " ") != std::string::npos;
}

TEST(QueryMessages, ListsNewestFirstWithDefaultPageOf100) {
  query_archive a(archive_size, small_archive());
  auto r = a.get("/v1/messages");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  auto v = r.json();
  EXPECT_EQ(record_ids(v), expected(archive_size, [](const core::message&) { return true; }, 100));
  EXPECT_EQ(v.at("paging").at("perPage").as_int64(), 100);
  EXPECT_TRUE(v.at("paging").as_object().contains("nextPageToken"));
}

TEST(QueryMessages, OrderAscListsOldestFirst) {
  query_archive a(archive_size, small_archive());
  auto v = a.get("/v1/messages?order=asc&perPage=5").json();
  EXPECT_EQ(record_ids(v), (std::vector<std::string>{"90", "91", "92", "93", "94"}));
}

TEST(QueryMessages, RecordHasRingCentralShape) {
  query_archive a(archive_size, small_archive());
  std::size_t i = 0;
  while (make_notification(small_archive(), i).msg->type != "SMS") ++i;
  const auto note = make_notification(small_archive(), i);
  auto r = a.get("/v1/messages/" + note.msg->id);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto v = r.json();
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("id").as_string(), note.msg->id);
  EXPECT_EQ(o.at("creationTime").as_string(), core::format_iso8601(*note.msg->creation_time));
  EXPECT_EQ(o.at("type").as_string(), "SMS");
  EXPECT_EQ(o.at("from").at("phoneNumber").as_string(), *note.msg->from->phone_number);
  EXPECT_EQ(o.at("to").at(0).at("phoneNumber").as_string(), *note.msg->to->at(0).phone_number);
  EXPECT_EQ(o.at("attachments").at(0).at("contentType").as_string(), "text/plain");
  EXPECT_EQ(o.at("eventType").as_string(), "Create");  // an undocumented field, kept and returned
  EXPECT_EQ(o.at("conversationId").as_string(), *note.msg->conversation_id);
  EXPECT_FALSE(o.contains("smsDeliveryTime"));        // absent, not null
}

TEST(QueryMessages, PhoneNumberMatchesAnyPartyInEveryInputStyle) {
  query_archive a(archive_size, small_archive());
  const auto want = expected(archive_size, [](const core::message& m) { return has_digits(m, "16505550100"); });
  ASSERT_GT(want.size(), 50u);
  for (const char* input : {"%2B16505550100", "16505550100", "(650)%20555-0100", "650.555.0100", "6505550100"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(all_pages(a, std::string("/v1/messages?perPage=17&phoneNumber=") + input), want);
  }
}

TEST(QueryMessages, RarePhoneNumberFindsOnlyItsMessages) {
  query_archive a(archive_size, small_archive());
  const std::string digits = core::phone_digits(customer_number(7));
  const auto want = expected(archive_size, [&](const core::message& m) { return has_digits(m, digits); });
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(all_pages(a, "/v1/messages?phoneNumber=" + digits), want);
}

TEST(QueryMessages, EnumFiltersMatchBruteForce) {
  query_archive a(archive_size, small_archive());
  struct filter_case {
    std::string query;
    std::function<bool(const core::message&)> pred;
  };
  const std::vector<filter_case> cases{
      {"direction=Outbound", [](const core::message& m) { return m.direction == "Outbound"; }},
      {"messageType=VoiceMail", [](const core::message& m) { return m.type == "VoiceMail"; }},
      {"messageType=voicemail", [](const core::message& m) { return m.type == "VoiceMail"; }},
      {"messageType=Fax", [](const core::message& m) { return m.type == "Fax"; }},
      {"readStatus=Unread", [](const core::message& m) { return m.read_status == "Unread"; }},
      {"messageStatus=DeliveryFailed", [](const core::message& m) { return m.message_status == "DeliveryFailed"; }},
      {"availability=Deleted", [](const core::message& m) { return m.availability == "Deleted"; }},
      {"ownerId=629893001", [](const core::message& m) { return m.owner_id == "629893001"; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const auto want = expected(archive_size, c.pred);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(all_pages(a, "/v1/messages?perPage=1000&" + c.query), want);
  }
}

TEST(QueryMessages, ConversationIdFilterListsOneConversation) {
  query_archive a(archive_size, small_archive());
  const auto conv = busiest_conversation(small_archive(), archive_size);
  const auto want = expected(archive_size, [&](const core::message& m) { return m.conversation_id == conv; });
  ASSERT_GT(want.size(), 1u);
  EXPECT_EQ(all_pages(a, "/v1/messages?conversationId=" + conv), want);
}

TEST(QueryMessages, DateRangeOnCreationTimeInAnyIsoForm) {
  query_archive a(archive_size, small_archive());
  // Messages are one minute apart from 2024-01-01T00:00Z: [100, 160) by index.
  const auto want = expected(archive_size, [](const core::message& m) {
    return *m.creation_time >= 1'704'067'200'000 + 100 * 60'000 && *m.creation_time < 1'704'067'200'000 + 160 * 60'000;
  });
  ASSERT_EQ(want.size(), 60u);
  EXPECT_EQ(all_pages(a, "/v1/messages?dateFrom=2024-01-01T01:40:00Z&dateTo=2024-01-01T02:40:00.000Z"), want);
  EXPECT_EQ(all_pages(a, "/v1/messages?dateFrom=2024-01-01T02:40:00%2B01:00&dateTo=2024-01-01T03:40:00%2B0100"), want);
}

TEST(QueryMessages, DateOnlyDateToIncludesTheWholeDay) {
  dataset_options o = small_archive();
  o.step = 3'600'000;  // hourly: 2000 messages span 83 days
  query_archive a(archive_size, o);
  auto v = a.get("/v1/messages?dateFrom=2024-01-02&dateTo=2024-01-02&perPage=1000").json();
  EXPECT_EQ(record_ids(v).size(), 24u);
}

TEST(QueryMessages, CombinedFiltersAllApply) {
  query_archive a(archive_size, small_archive());
  const auto want = expected(archive_size, [](const core::message& m) {
    return has_digits(m, "16505550100") && m.direction == "Inbound" && m.read_status == "Read" &&
           *m.creation_time >= 1'704'067'200'000 + 300 * 60'000;
  });
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(all_pages(a, "/v1/messages?phoneNumber=6505550100&direction=Inbound&readStatus=Read"
                         "&dateFrom=2024-01-01T05:00:00Z&perPage=3"),
            want);
  const auto with_text = expected(archive_size, [](const core::message& m) {
    return has_digits(m, "16505550100") && subject_has(m, "invoice");
  });
  EXPECT_EQ(all_pages(a, "/v1/messages?phoneNumber=6505550100&q=INVOICE"), with_text);
  const auto text_and_type = expected(archive_size, [](const core::message& m) {
    return m.type == "SMS" && m.direction == "Outbound" && subject_has(m, "invoice");
  });
  EXPECT_EQ(all_pages(a, "/v1/messages?q=invoice&messageType=SMS&direction=Outbound&perPage=50"), text_and_type);
}

TEST(QueryMessages, PagingVisitsEveryRecordOnceWhileNewMessagesArrive) {
  query_archive a(archive_size, small_archive());
  std::vector<std::string> seen;
  std::string target = "/v1/messages?perPage=150";
  for (int page = 0; page < 100; ++page) {
    auto v = a.get(target).json();
    for (auto& id : record_ids(v)) seen.push_back(id);
    a.add_newer(7);  // arrive between pages, newer than everything listed
    const auto& paging = v.at("paging").as_object();
    if (!paging.contains("nextPageToken")) break;
    target = "/v1/messages?perPage=150&pageToken=" + std::string(paging.at("nextPageToken").as_string());
  }
  EXPECT_EQ(seen, expected(archive_size, [](const core::message&) { return true; }));
}

TEST(QueryMessages, AscendingPagingReachesMessagesThatArriveDuringIt) {
  query_archive a(50, small_archive());
  auto first = a.get("/v1/messages?order=asc&perPage=40").json();
  a.add_newer(5);
  auto rest = a.get("/v1/messages?order=asc&perPage=40&pageToken=" +
                    std::string(first.at("paging").at("nextPageToken").as_string()))
                  .json();
  EXPECT_EQ(record_ids(rest).size(), 15u);
  EXPECT_EQ(record_ids(rest).back(), "954");
}

TEST(QueryMessages, TextSearchMatchesWholeWordsCaseInsensitively) {
  query_archive a(archive_size, small_archive());
  const auto want = expected(archive_size, [](const core::message& m) { return subject_has(m, "invoice"); });
  ASSERT_GT(want.size(), 200u);
  EXPECT_EQ(all_pages(a, "/v1/messages?q=InVoIcE&perPage=1000"), want);
  EXPECT_EQ(a.get("/v1/messages?q=invoic").json().at("records").as_array().size(), 0u);
}

TEST(QueryMessages, TextSearchWordStarMatchesAPrefix) {
  query_archive a(archive_size, small_archive());
  const auto want = expected(archive_size, [](const core::message& m) { return subject_has(m, "invoice"); });
  EXPECT_EQ(all_pages(a, "/v1/messages?q=invoi*&perPage=1000"), want);
}

TEST(QueryMessages, TextSearchRareWordAndSeveralWords) {
  query_archive a(archive_size, small_archive());
  EXPECT_EQ(all_pages(a, "/v1/messages?q=zeppelin"), (std::vector<std::string>{"91234"}));
  const auto both = expected(archive_size, [](const core::message& m) {
    return subject_has(m, "invoice") && subject_has(m, "payment");
  });
  ASSERT_FALSE(both.empty());
  EXPECT_EQ(all_pages(a, "/v1/messages?q=payment+invoice"), both);
}

TEST(QueryMessages, TextSearchFindsANonAsciiWord) {
  query_archive a(archive_size, small_archive());
  const auto want = expected(archive_size, [](const core::message& m) { return subject_has(m, "Grüße"); });
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(all_pages(a, "/v1/messages?q=gr%C3%BC%C3%9Fe"), want);  // lower case, percent-encoded UTF-8
}

TEST(QueryMessages, TextThatLooksLikeSearchSyntaxIsSearchedNotParsed) {
  query_archive a(archive_size, small_archive());
  for (const char* q : {"%22", "AND", "NEAR(a", "subject:hello", "a%20OR%20b", "(", "%5E", "-x", "hello%22world"}) {
    SCOPED_TRACE(q);
    auto r = a.get(std::string("/v1/messages?q=") + q);
    EXPECT_TRUE(r.status == 200u || r.status == 400u) << r.status << " " << r.body;
  }
}

TEST(QueryMessages, ControlCharactersInTextSeparateWords) {
  // Found by fuzz_query: a NUL inside q reached FTS5, which failed with
  // "unterminated string" and the request was answered 500.
  query_archive a(archive_size, small_archive());
  const auto want = expected(archive_size, [](const core::message& m) { return subject_has(m, "invoice"); });
  EXPECT_EQ(all_pages(a, "/v1/messages?q=%00invoice%01"), want);
  EXPECT_EQ(a.get("/v1/messages?q=%00").status, 400u);
}

TEST(QueryMessages, MisplacedStarInTextIs400NamingQ) {
  query_archive a(10, small_archive());
  for (const char* q : {"*", "a*b", "**"}) {
    auto r = a.get(std::string("/v1/messages?q=") + q);
    EXPECT_EQ(r.status, 400u) << q;
    EXPECT_NE(r.body.find("'q'"), std::string::npos) << r.body;
  }
}

TEST(QueryMessages, UnknownParameterIs400NamingIt) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/messages?phonenumber=1");
  EXPECT_EQ(r.status, 400u);
  auto v = r.json();
  EXPECT_EQ(v.at("error").at("code").as_string(), "bad_parameter");
  EXPECT_NE(std::string(v.at("error").at("message").as_string()).find("phonenumber"), std::string::npos);
}

TEST(QueryMessages, BadValuesAre400NamingTheParameter) {
  query_archive a(10, small_archive());
  const std::vector<std::pair<std::string, std::string>> cases{
      {"direction=in", "direction"},          {"messageType=MMS", "messageType"},
      {"readStatus=yes", "readStatus"},       {"messageStatus=Lost", "messageStatus"},
      {"availability=Gone", "availability"},  {"dateFrom=yesterday", "dateFrom"},
      {"dateTo=2024-13-01", "dateTo"},        {"perPage=0", "perPage"},
      {"perPage=1001", "perPage"},            {"perPage=ten", "perPage"},
      {"pageToken=xyz", "pageToken"},         {"order=newest", "order"},
      {"format=xml", "format"},               {"phoneNumber=abc", "phoneNumber"},
      {"q=", "q"},                            {"conversationId=", "conversationId"},
      {"direction=Inbound&direction=Outbound", "direction"}, {"q=%zz", "q"},
  };
  for (const auto& [query, name] : cases) {
    SCOPED_TRACE(query);
    auto r = a.get("/v1/messages?" + query);
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("'" + name + "'"), std::string::npos) << r.body;
  }
}

TEST(QueryMessages, PageTokenOfTheOtherOrderIs400) {
  query_archive a(300, small_archive());
  auto v = a.get("/v1/messages").json();
  auto r = a.get("/v1/messages?order=asc&pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string()));
  EXPECT_EQ(r.status, 400u);
}

TEST(QueryMessages, LastPageHasNoNextPageToken) {
  query_archive a(30, small_archive());
  auto v = a.get("/v1/messages?perPage=30").json();
  EXPECT_EQ(record_ids(v).size(), 30u);
  EXPECT_FALSE(v.at("paging").as_object().contains("nextPageToken"));
}

TEST(QueryExport, NdjsonStreamsEveryMatchInChunks) {
  query_archive a(archive_size, small_archive());
  const auto want = all_pages(a, "/v1/messages?direction=Inbound&perPage=1000");
  auto r = a.get("/v1/messages?direction=Inbound&format=ndjson");
  ASSERT_EQ(r.status, 200u);
  EXPECT_TRUE(r.streamed);
  EXPECT_GT(r.chunks, 1u);
  EXPECT_EQ(r.content_type, "application/x-ndjson");
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while (pos < r.body.size()) {
    const auto nl = r.body.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    ids.emplace_back(boost::json::parse(r.body.substr(pos, nl - pos)).at("id").as_string());
    pos = nl + 1;
  }
  EXPECT_EQ(ids, want);
}

TEST(QueryExport, AcceptHeaderSelectsNdjson) {
  query_archive a(100, small_archive());
  auto r = a.get("/v1/messages", {{boost::beast::http::field::accept, "application/x-ndjson"}});
  EXPECT_TRUE(r.streamed);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 100);
}

TEST(QueryExport, CsvHasHeaderAndOneRowPerMatch) {
  query_archive a(archive_size, small_archive());
  const auto want = all_pages(a, "/v1/messages?q=invoice&perPage=1000");
  auto r = a.get("/v1/messages?q=invoice", {{boost::beast::http::field::accept, "text/csv"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(r.body.rfind("id,ownerId,creationTime,lastModifiedTime,type,direction,from,to,subject,messageStatus,"
                         "readStatus,availability,conversationId,attachments\r\n",
                         0),
            0u);
  // Subjects hold no quotes or line breaks here, so rows are lines.
  std::size_t rows = 0;
  for (std::size_t p = r.body.find("\r\n"); p != std::string::npos; p = r.body.find("\r\n", p + 2)) ++rows;
  EXPECT_EQ(rows - 1, want.size());
}

TEST(QueryExport, EmptyCsvExportIsTheHeaderOnly) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/messages?format=csv&q=nothingmatchesthis");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1);
}

TEST(QueryExport, BadParameterIsReportedBeforeStreaming) {
  query_archive a(10, small_archive());
  auto r = a.get("/v1/messages?format=csv&q=*");
  EXPECT_EQ(r.status, 400u);
  EXPECT_FALSE(r.streamed);
}

}  // namespace
}  // namespace rcvault::test
