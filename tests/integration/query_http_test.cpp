// docs/api.md over real sockets: the real app on port 0, a generated
// archive in its database (and more messages posted through the webhook while
// the tests run), every answer checked against what the generator says.
#include "query_http.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace rcvault::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t archive_size = 2000;
constexpr core::millis minute = 60'000;

// ---- helpers ---------------------------------------------------------------

bool any(const core::message&) { return true; }

std::vector<std::string> reversed(std::vector<std::string> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

std::string error_code_of(const http_response& r) {
  auto v = json_of(r);
  if (!v.is_object() || !v.as_object().contains("error")) return "<no error object>";
  return std::string(v.at("error").at("code").as_string());
}

std::string error_message_of(const http_response& r) {
  auto v = json_of(r);
  if (!v.is_object() || !v.as_object().contains("error")) return "<no error object>";
  return std::string(v.at("error").at("message").as_string());
}

// creationTime of generated message `index` (query_dataset: one a minute).
core::millis created(std::size_t index) {
  return query_dataset().start + static_cast<core::millis>(index) * minute;
}

// True when `v` holds a JSON null anywhere (the API leaves absent fields out).
bool holds_null(const boost::json::value& v) {
  if (v.is_null()) return true;
  if (v.is_array())
    for (const auto& e : v.as_array())
      if (holds_null(e)) return true;
  if (v.is_object())
    for (const auto& kv : v.as_object())
      if (holds_null(kv.value())) return true;
  return false;
}

// The first generated message of `type` among the archive's messages.
const core::message& first_of_type(const query_http_archive& a, const std::string& type) {
  for (const auto& m : a.messages())
    if (m.type == type) return m;
  throw std::runtime_error("no generated message of type " + type);
}

// A generated SMS with a phone number on both sides, to build special messages from.
core::message an_sms(const query_http_archive& a) {
  for (std::size_t i = 0;; ++i) {
    auto n = make_notification(a.opts(), i);
    if (n.msg->type == "SMS") return *n.msg;
  }
}

// The conversation with the most messages in the archive.
std::string busiest_conversation(const query_http_archive& a) {
  std::map<std::string, std::size_t> counts;
  for (const auto& m : a.messages())
    if (m.conversation_id) ++counts[*m.conversation_id];
  return std::max_element(counts.begin(), counts.end(), [](auto& x, auto& y) { return x.second < y.second; })->first;
}

// Another version of `m` as RingCentral posts it: `change` applied and
// lastModifiedTime moved by `later_by` (negative: an older version).
std::string update_envelope(core::message m, const std::string& uuid, core::millis later_by,
                            const std::function<void(core::message&)>& change) {
  change(m);
  m.last_modified_time = *m.last_modified_time + later_by;
  return envelope_for(m, uuid, *m.last_modified_time + 50);
}

// Splits RFC 4180 CSV (CRLF records, "" escapes a quote inside quotes) into records.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        i += 2;
      } else if (c == '"') {
        quoted = false;
        ++i;
      } else {
        field += c;
        ++i;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
      ++i;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else {
      field += c;
      ++i;
    }
  }
  EXPECT_FALSE(quoted) << "CSV ends inside a quoted field";
  EXPECT_TRUE(field.empty() && row.empty()) << "CSV does not end with CRLF";
  return rows;
}

// The records of an NDJSON body: one JSON object a line, every line ended by \n.
std::vector<boost::json::value> parse_ndjson(const std::string& text) {
  std::vector<boost::json::value> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    EXPECT_NE(nl, std::string::npos) << "last NDJSON line has no newline";
    if (nl == std::string::npos) break;
    boost::system::error_code ec;
    auto v = boost::json::parse(std::string_view(text).substr(pos, nl - pos), ec);
    EXPECT_FALSE(ec) << text.substr(pos, std::min<std::size_t>(nl - pos, 200));
    EXPECT_TRUE(v.is_object());
    out.push_back(std::move(v));
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> record_ids(const std::vector<boost::json::value>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.emplace_back(r.at("id").as_string());
  return out;
}

// Every record of a listing, following nextPageToken to the end.
std::vector<boost::json::value> all_records(query_http_archive& a, const std::string& target) {
  std::vector<boost::json::value> out;
  std::string next = target;
  for (int guard = 0; guard < 1000; ++guard) {
    auto r = a.get(next);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200) break;
    auto v = json_of(r);
    for (const auto& rec : v.at("records").as_array()) out.push_back(rec);
    if (!v.at("paging").as_object().contains("nextPageToken")) break;
    next = with_param(target, "pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string()));
  }
  return out;
}

// Sends `request` on a fresh TCP connection and returns every byte the server
// sent until it closed the connection (the request asks it to). Fails the
// test on a 10 s silence.
std::string raw_exchange(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("send failed");
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buf[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) {
      ADD_FAILURE() << "no bytes (or no close) from the server within 10 s";
      break;
    }
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// A response as it came off the wire: its head, and its body's chunks when chunked.
struct wire_response {
  std::string head;                 // status line and headers, without the blank line
  std::vector<std::string> chunks;  // the data of each chunk, in order (empty when not chunked)
  std::string body;                 // the chunks joined (or the raw body)
  bool framing_ok = false;          // chunk sizes and CRLFs as RFC 9112 says, ending in a 0 chunk
};

wire_response parse_wire(const std::string& raw) {
  wire_response w;
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return w;
  w.head = raw.substr(0, end);
  std::string lower = w.head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::size_t pos = end + 4;
  if (lower.find("\r\ntransfer-encoding: chunked") == std::string::npos) {
    w.body = raw.substr(pos);
    return w;
  }
  for (;;) {
    const auto eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) return w;
    const std::string size_line = raw.substr(pos, eol - pos);
    char* stop = nullptr;
    const unsigned long size = std::strtoul(size_line.c_str(), &stop, 16);
    if (stop == size_line.c_str() || (*stop != '\0' && *stop != ';')) return w;
    pos = eol + 2;
    if (size == 0) {
      w.framing_ok = raw.compare(pos, std::string::npos, "\r\n") == 0;
      return w;
    }
    if (pos + size + 2 > raw.size() || raw.compare(pos + size, 2, "\r\n") != 0) return w;
    w.chunks.push_back(raw.substr(pos, size));
    w.body += w.chunks.back();
    pos += size + 2;
  }
}

// One Prometheus sample: `name{labels} value`.
struct sample {
  std::string name;
  std::string labels;  // "" or `{...}` as written
  double value = 0;
};

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Reads a metric or label name at `pos`; "" when there is none.
std::string read_name(const std::string& s, std::size_t& pos, bool label) {
  const std::size_t start = pos;
  if (pos < s.size() && name_start(s[pos]) && !(label && s[pos] == ':')) ++pos;
  else return "";
  while (pos < s.size() && name_char(s[pos]) && !(label && s[pos] == ':')) ++pos;
  return s.substr(start, pos - start);
}

// Parses one sample line `name{label="value",...} value`; nullopt when malformed.
std::optional<sample> parse_sample(const std::string& line) {
  sample out;
  std::size_t pos = 0;
  out.name = read_name(line, pos, false);
  if (out.name.empty()) return std::nullopt;
  if (pos < line.size() && line[pos] == '{') {
    const std::size_t open = pos++;
    for (bool first = true; pos < line.size() && line[pos] != '}'; first = false) {
      if (!first && line[pos++] != ',') return std::nullopt;
      if (read_name(line, pos, true).empty()) return std::nullopt;
      if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') return std::nullopt;
      pos += 2;
      while (pos < line.size() && line[pos] != '"') pos += line[pos] == '\\' ? 2 : 1;
      if (pos >= line.size()) return std::nullopt;
      ++pos;  // the closing quote
    }
    if (pos >= line.size()) return std::nullopt;
    out.labels = line.substr(open, ++pos - open);
  }
  if (pos >= line.size() || line[pos] != ' ') return std::nullopt;
  const std::string v = line.substr(pos + 1);
  if (v.empty() || v.find(' ') != std::string::npos) return std::nullopt;
  if (v == "+Inf") out.value = HUGE_VAL;
  else if (v == "-Inf") out.value = -HUGE_VAL;
  else if (v == "NaN") out.value = NAN;
  else {
    char* stop = nullptr;
    out.value = std::strtod(v.c_str(), &stop);
    if (*stop != '\0') return std::nullopt;
  }
  return out;
}

// Parses Prometheus text exposition (0.0.4): HELP/TYPE comments and samples;
// every malformed line is a test failure. `types` gets each # TYPE.
std::vector<sample> parse_prometheus(const std::string& text, std::map<std::string, std::string>& types) {
  static const std::set<std::string> known_types{"counter", "gauge", "histogram", "summary", "untyped"};
  std::vector<sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, kind, name, type;
      words >> hash >> kind >> name >> type;
      std::size_t p = 0;
      const bool name_ok = !name.empty() && read_name(name, p, false) == name;
      if (kind == "TYPE") {
        EXPECT_TRUE(name_ok && known_types.contains(type) && words.peek() == EOF) << "bad TYPE line: " << line;
        types[name] = type;
      } else {
        EXPECT_TRUE(kind == "HELP" && name_ok) << "bad comment line: " << line;
      }
      continue;
    }
    auto s = parse_sample(line);
    if (!s) {
      ADD_FAILURE() << "not `name{labels} value`: " << line;
      continue;
    }
    out.push_back(std::move(*s));
  }
  return out;
}

// The value of `name` + `labels`, or -1 when the sample is absent.
double value_of(const std::vector<sample>& samples, const std::string& name, const std::string& labels = "") {
  for (const auto& s : samples)
    if (s.name == name && s.labels == labels) return s.value;
  return -1;
}

std::vector<sample> metrics_of(query_http_archive& a) {
  auto r = a.get("/metrics");
  EXPECT_EQ(r.status, 200u);
  std::map<std::string, std::string> types;
  return parse_prometheus(r.body, types);
}

// Polls /metrics until `name{labels}` equals `want` (request counters are
// bumped just after the response is written, so they may trail it a little).
double await_metric(query_http_archive& a, const std::string& name, const std::string& labels, double want) {
  double got = -1;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    got = value_of(metrics_of(a), name, labels);
    if (got == want) break;
    std::this_thread::sleep_for(2ms);
  }
  return got;
}

// What post_mix() sent through the webhook.
struct posted_mix {
  std::size_t applied = 0;       // new generated messages, each answered "stored"
  std::size_t duplicates = 0;    // the same envelopes again, answered "duplicate"
  std::size_t stale = 0;         // older versions of stored messages
  std::size_t unnormalised = 0;  // well-formed envelopes whose body has a bad time
  std::size_t rejected = 0;      // invalid JSON / not an envelope: 400 and a dead letter
  std::size_t posts() const { return applied + duplicates + stale + unnormalised + rejected; }
};

// Posts a realistic mix through the webhook and checks each answer. The last
// post is a stored notification, so the dead letters queued before it are committed.
posted_mix post_mix(query_http_archive& a, std::size_t fresh) {
  posted_mix mix;
  const std::size_t first = a.messages().size();
  a.post_generated(fresh - 1);
  mix.applied += fresh - 1;
  for (std::size_t i = first; i < first + 3; ++i) {
    auto r = a.post(envelope_for(a.generate(i)));
    EXPECT_EQ(r.status, 200u);
    EXPECT_NE(r.body.find("\"duplicate\""), std::string::npos) << r.body;
    ++mix.duplicates;
  }
  // A version older than the stored one: recorded as stale.
  auto r = a.post(update_envelope(a.messages()[first], "stale-" + a.messages()[first].id, -500,
                                  [](core::message& m) { m.read_status = "Unread"; }));
  EXPECT_EQ(r.status, 200u) << r.body;
  ++mix.stale;
  auto bad_time = boost::json::parse(envelope_for(a.generate(first + 1)));
  bad_time.at("body").as_object()["creationTime"] = "the day before yesterday";
  bad_time.as_object()["uuid"] = "unnormalised-1";
  r = a.post(boost::json::serialize(bad_time));
  EXPECT_EQ(r.status, 200u) << r.body;
  ++mix.unnormalised;
  for (const std::string body : {R"({"uuid":"x","body":)", R"({"uuid":"no-body"})"}) {
    r = a.post(body);
    EXPECT_EQ(r.status, 400u) << r.body;
    ++mix.rejected;
  }
  a.post_generated(1);
  ++mix.applied;
  return mix;
}

// ---- the shared archive (read-only tests) ----------------------------------

class QueryHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { archive_ = new query_http_archive(archive_size); }
  static void TearDownTestSuite() {
    delete archive_;
    archive_ = nullptr;
  }
  static query_http_archive& a() { return *archive_; }

 private:
  static query_http_archive* archive_;
};

query_http_archive* QueryHttp::archive_ = nullptr;

// A plain GET /v1/messages is the newest 100 messages as JSON, with a cursor to the rest.
TEST_F(QueryHttp, DefaultListingIsNewestFirstInPagesOf100) {
  auto r = a().get("/v1/messages");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  auto v = json_of(r);
  auto want = a().expected(any);
  want.resize(100);
  EXPECT_EQ(ids_of(v), want);
  EXPECT_EQ(v.at("paging").at("perPage").as_int64(), 100);
  EXPECT_TRUE(v.at("paging").as_object().contains("nextPageToken"));
  EXPECT_TRUE(r.keep_alive);
}

// order=asc walks oldest first, order=desc is the default, perPage sizes every page.
TEST_F(QueryHttp, OrderAndPerPageShapeTheWalk) {
  const auto newest_first = a().expected(any);
  EXPECT_EQ(a().walk("/v1/messages?order=desc&perPage=333"), newest_first);
  EXPECT_EQ(a().walk("/v1/messages?order=asc&perPage=333"), reversed(newest_first));
  auto v = json_of(a().get("/v1/messages?order=asc&perPage=7"));
  EXPECT_EQ(ids_of(v), std::vector<std::string>(newest_first.rbegin(), newest_first.rbegin() + 7));
  EXPECT_EQ(v.at("paging").at("perPage").as_int64(), 7);
  v = json_of(a().get("/v1/messages?perPage=1000"));
  EXPECT_EQ(ids_of(v).size(), 1000u);
  // The last page carries no cursor.
  v = json_of(a().get("/v1/messages?perPage=1000&order=asc&dateFrom=2024-01-01T16:40:00Z"));
  EXPECT_EQ(ids_of(v).size(), archive_size - 1000);
  EXPECT_FALSE(v.at("paging").as_object().contains("nextPageToken"));
}

// A record reads back every field the notification carried, in RingCentral's names, never null.
TEST_F(QueryHttp, MessageRecordCarriesWhatWasStored) {
  for (const char* type : {"SMS", "VoiceMail", "Fax", "Pager"}) {
    SCOPED_TRACE(type);
    const auto& m = first_of_type(a(), type);
    auto r = a().get("/v1/messages/" + m.id);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto v = json_of(r);
    EXPECT_FALSE(holds_null(v)) << r.body;
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("id").as_string(), m.id);
    EXPECT_EQ(o.at("ownerId").as_string(), *m.owner_id);
    EXPECT_EQ(o.at("type").as_string(), *m.type);
    EXPECT_EQ(o.at("direction").as_string(), *m.direction);
    EXPECT_EQ(o.at("creationTime").as_string(), core::format_iso8601(*m.creation_time));
    EXPECT_EQ(o.at("lastModifiedTime").as_string(), core::format_iso8601(*m.last_modified_time));
    EXPECT_EQ(o.at("readStatus").as_string(), *m.read_status);
    EXPECT_EQ(o.at("messageStatus").as_string(), *m.message_status);
    EXPECT_EQ(o.at("availability").as_string(), *m.availability);
    EXPECT_EQ(o.at("priority").as_string(), *m.priority);
    EXPECT_EQ(o.at("eventType").as_string(), "Create");  // a field RingCentral never documented
    EXPECT_EQ(o.contains("conversationId"), m.conversation_id.has_value());
    if (m.conversation_id) {
      EXPECT_EQ(o.at("conversationId").as_string(), *m.conversation_id);
    }
    EXPECT_EQ(o.contains("subject"), m.subject.has_value());
    if (m.subject) {
      EXPECT_EQ(o.at("subject").as_string(), *m.subject);
    }
    auto label = [](const boost::json::value& p) {
      const auto& po = p.as_object();
      return std::string(po.contains("phoneNumber") ? po.at("phoneNumber").as_string()
                                                    : po.at("extensionNumber").as_string());
    };
    auto want_label = [](const core::party& p) { return p.phone_number ? *p.phone_number : *p.extension_number; };
    EXPECT_EQ(label(o.at("from")), want_label(*m.from));
    ASSERT_EQ(o.at("to").as_array().size(), m.to->size());
    EXPECT_EQ(label(o.at("to").at(0)), want_label(m.to->at(0)));
    if (m.attachments) {
      ASSERT_EQ(o.at("attachments").as_array().size(), m.attachments->size());
      for (std::size_t k = 0; k < m.attachments->size(); ++k) {
        EXPECT_EQ(o.at("attachments").at(k).at("id").as_string(), m.attachments->at(k).id);
        if (m.attachments->at(k).vm_duration) {
          EXPECT_EQ(o.at("attachments").at(k).at("vmDuration").as_int64(), *m.attachments->at(k).vm_duration);
        }
      }
    }
    if (m.fax_page_count) {
      EXPECT_EQ(o.at("faxPageCount").as_int64(), *m.fax_page_count);
    }
    // The same record as the listing shows it.
    auto listed = json_of(
        a().get("/v1/messages?perPage=1&order=asc&dateFrom=" + std::string(o.at("creationTime").as_string())));
    ASSERT_EQ(ids_of(listed).size(), 1u);
    EXPECT_EQ(listed.at("records").at(0), v);
  }
}

// phoneNumber finds every message with that number on any side, however the number is written.
TEST_F(QueryHttp, PhoneNumberMatchesAnyPartyInEveryInputStyle) {
  const auto busy = a().expected([](const core::message& m) { return has_digits(m, "16505550100"); });
  ASSERT_GT(busy.size(), 30u);
  for (const char* input : {"%2B16505550100", "+16505550100", "16505550100", "6505550100", "(650)%20555-0100", "650.555.0100",
                            "%2B1%20650%20555%200100", "1-650-555-0100"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(a().walk(std::string("/v1/messages?perPage=17&phoneNumber=") + input), busy);
  }
  // A customer number, given without its country code, and a company number.
  const std::string customer = customer_number(7);  // +12120000007
  const auto theirs = a().expected([&](const core::message& m) { return has_digits(m, core::phone_digits(customer)); });
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(a().walk("/v1/messages?phoneNumber=" + customer.substr(2)), theirs);
  EXPECT_EQ(a().walk("/v1/messages?phoneNumber=%2B" + customer.substr(1)), theirs);
  const auto company = a().expected([](const core::message& m) { return has_digits(m, "14155550007"); });
  ASSERT_FALSE(company.empty());
  EXPECT_EQ(a().walk("/v1/messages?phoneNumber=(415)%20555-0007&perPage=5"), company);
  // A number nobody used is an empty listing, not an error.
  auto r = a().get("/v1/messages?phoneNumber=%2B19995550123");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(ids_of(json_of(r)).empty());
}

// Each enumerated filter lists exactly the generated messages with that value, in any letter case.
TEST_F(QueryHttp, EnumFiltersMatchTheGeneratedData) {
  struct filter_case {
    std::string query;
    std::function<bool(const core::message&)> pred;
  };
  auto field_is = [](std::optional<std::string> core::message::*f, std::string want) {
    return [f, want](const core::message& m) { return m.*f == want; };
  };
  using M = core::message;
  const std::vector<filter_case> cases{
      {"direction=Inbound", field_is(&M::direction, "Inbound")},
      {"direction=outbound", field_is(&M::direction, "Outbound")},
      {"messageType=SMS", field_is(&M::type, "SMS")},
      {"messageType=VoiceMail", field_is(&M::type, "VoiceMail")},
      {"messageType=Voicemail", field_is(&M::type, "VoiceMail")},
      {"messageType=FAX", field_is(&M::type, "Fax")},
      {"messageType=Pager", field_is(&M::type, "Pager")},
      {"readStatus=Read", field_is(&M::read_status, "Read")},
      {"readStatus=unread", field_is(&M::read_status, "Unread")},
      {"messageStatus=Received", field_is(&M::message_status, "Received")},
      {"messageStatus=Delivered", field_is(&M::message_status, "Delivered")},
      {"messageStatus=DeliveryFailed", field_is(&M::message_status, "DeliveryFailed")},
      {"availability=Alive", field_is(&M::availability, "Alive")},
      {"availability=Deleted", field_is(&M::availability, "Deleted")},
      {"ownerId=629893000", field_is(&M::owner_id, "629893000")},
      {"ownerId=629893002", field_is(&M::owner_id, "629893002")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const auto want = a().expected(c.pred);
    ASSERT_FALSE(want.empty());
    ASSERT_LT(want.size(), archive_size);
    EXPECT_EQ(a().walk("/v1/messages?perPage=1000&" + c.query), want);
  }
  // Values nobody has are empty listings.
  for (const char* q : {"messageType=Text", "availability=Purged", "messageStatus=Queued", "ownerId=1"}) {
    SCOPED_TRACE(q);
    EXPECT_TRUE(a().walk(std::string("/v1/messages?") + q).empty());
  }
}

// conversationId lists one conversation and nothing else, across pages.
TEST_F(QueryHttp, ConversationIdListsExactlyOneConversation) {
  const auto conv = busiest_conversation(a());
  const auto want = a().expected([&](const core::message& m) { return m.conversation_id == conv; });
  ASSERT_GT(want.size(), 3u);
  EXPECT_EQ(a().walk("/v1/messages?perPage=2&conversationId=" + conv), want);
  EXPECT_TRUE(a().walk("/v1/messages?conversationId=1").empty());
}

// dateFrom <= creationTime < dateTo, whatever ISO 8601 form the bounds are written in.
TEST_F(QueryHttp, DateRangeAcceptsEveryIsoForm) {
  // Messages [100, 160): 2024-01-01T01:40Z up to (not including) 02:40Z.
  const auto want = a().expected([](const core::message& m) {
    return *m.creation_time >= created(100) && *m.creation_time < created(160);
  });
  ASSERT_EQ(want.size(), 60u);
  const std::vector<std::pair<std::string, std::string>> forms{
      {"2024-01-01T01:40:00Z", "2024-01-01T02:40:00Z"},
      {"2024-01-01T01:40:00.000Z", "2024-01-01T02:40:00.000Z"},
      {"2024-01-01T01:40:00.000000Z", "2024-01-01T02:40:00.000000000Z"},
      {"2024-01-01T02:40:00%2B01:00", "2024-01-01T03:40:00%2B0100"},
      {"2023-12-31T20:40:00-05:00", "2023-12-31T21:40:00.000-0500"},
      {"2024-01-01T01:40:00%2B00:00", "2024-01-01T02:40:00"},  // no zone is UTC
  };
  for (const auto& [from, to] : forms) {
    SCOPED_TRACE(from + " .. " + to);
    EXPECT_EQ(a().walk("/v1/messages?perPage=25&dateFrom=" + from + "&dateTo=" + to), want);
  }
  // One millisecond after a message's creationTime excludes it.
  auto v = json_of(a().get("/v1/messages?order=asc&perPage=1&dateFrom=2024-01-01T01:40:00.001Z"));
  EXPECT_EQ(ids_of(v), std::vector<std::string>{a().messages()[101].id});
  // A date alone: dateFrom is that midnight, dateTo includes the whole day.
  const auto jan1 = a().expected([](const core::message& m) { return *m.creation_time < created(1440); });
  ASSERT_EQ(jan1.size(), 1440u);
  EXPECT_EQ(a().walk("/v1/messages?perPage=1000&dateFrom=2024-01-01&dateTo=2024-01-01"), jan1);
  const auto jan2 = a().expected([](const core::message& m) { return *m.creation_time >= created(1440); });
  EXPECT_EQ(a().walk("/v1/messages?perPage=1000&dateFrom=2024-01-02"), jan2);
  EXPECT_EQ(a().walk("/v1/messages?perPage=1000&dateTo=2023-12-31"), std::vector<std::string>{});
}

// Several filters together: a message is listed only when it matches all of them.
TEST_F(QueryHttp, CombinedFiltersAllApply) {
  struct combo {
    std::string query;
    std::function<bool(const core::message&)> pred;
  };
  const std::vector<combo> cases{
      {"phoneNumber=6505550100&direction=Inbound&readStatus=Read&dateFrom=2024-01-01T05:00:00Z",
       [](const core::message& m) {
         return has_digits(m, "16505550100") && m.direction == "Inbound" && m.read_status == "Read" &&
                *m.creation_time >= created(300);
       }},
      {"phoneNumber=6505550100&q=INVOICE", [](const core::message& m) {
         return has_digits(m, "16505550100") && subject_has(m, "invoice");
       }},
      {"q=invoice&messageType=SMS&direction=Outbound",
       [](const core::message& m) { return m.type == "SMS" && m.direction == "Outbound" && subject_has(m, "invoice"); }},
      {"ownerId=629893001&availability=Deleted&order=desc",
       [](const core::message& m) { return m.owner_id == "629893001" && m.availability == "Deleted"; }},
      {"messageType=VoiceMail&readStatus=Unread&dateTo=2024-01-01T12:00:00Z",
       [](const core::message& m) {
         return m.type == "VoiceMail" && m.read_status == "Unread" && *m.creation_time < created(720);
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const auto want = a().expected(c.pred);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(a().walk("/v1/messages?perPage=9&" + c.query), want);
  }
  // A conversation filtered further by read status.
  const auto conv = busiest_conversation(a());
  const auto read = a().expected([&](const core::message& m) { return m.conversation_id == conv && m.read_status == "Read"; });
  EXPECT_EQ(a().walk("/v1/messages?readStatus=Read&conversationId=" + conv), read);
}

// Ascending walks with date bounds, through every way a listing is looked up
// (by conversation, number, text, mailbox, or the whole table), visit every
// match once, oldest first.
TEST_F(QueryHttp, AscendingBoundedWalksVisitEveryMatchOnce) {
  const auto conv = busiest_conversation(a());
  struct walk_case {
    std::string query;
    std::function<bool(const core::message&)> pred;
  };
  const auto in_window = [](const core::message& m) {
    return *m.creation_time >= created(250) && *m.creation_time < created(1750);
  };
  const std::string window = "&dateFrom=2024-01-01T04:10:00Z&dateTo=2024-01-02T05:10:00Z";
  const std::vector<walk_case> cases{
      {"conversationId=" + conv, [&](const core::message& m) { return m.conversation_id == conv; }},
      {"phoneNumber=6505550100", [](const core::message& m) { return has_digits(m, "16505550100"); }},
      {"q=invoice", [](const core::message& m) { return subject_has(m, "invoice"); }},
      {"ownerId=629893001", [](const core::message& m) { return m.owner_id == "629893001"; }},
      {"readStatus=Unread", [](const core::message& m) { return m.read_status == "Unread"; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const auto want = reversed(a().expected([&](const core::message& m) { return c.pred(m) && in_window(m); }));
    ASSERT_GT(want.size(), 1u);
    const auto per_page = std::to_string(std::max<std::size_t>(1, want.size() / 5));
    EXPECT_EQ(a().walk("/v1/messages?order=asc&perPage=" + per_page + "&" + c.query + window), want);
    EXPECT_EQ(a().walk("/v1/messages?perPage=" + per_page + "&" + c.query + window), reversed(want));
  }
}

// q matches whole words of the text, in any letter case; every word must occur.
TEST_F(QueryHttp, TextSearchMatchesWholeWordsCaseInsensitively) {
  const auto invoice = a().expected([](const core::message& m) { return subject_has(m, common_word); });
  ASSERT_GT(invoice.size(), 100u);
  EXPECT_EQ(a().walk("/v1/messages?perPage=1000&q=InVoIcE"), invoice);
  EXPECT_TRUE(a().walk("/v1/messages?q=invoic").empty());  // not a word of its own
  const auto both = a().expected([](const core::message& m) { return subject_has(m, "invoice") && subject_has(m, "payment"); });
  ASSERT_FALSE(both.empty());
  EXPECT_EQ(a().walk("/v1/messages?q=payment+invoice"), both);
  EXPECT_EQ(a().walk("/v1/messages?q=payment%20%20INVOICE"), both);
  // Punctuation around a word is just text between words.
  for (const char* q : {"invoice.", "%22invoice%22", "(invoice)", "invoice%2C", "-invoice-"}) {
    SCOPED_TRACE(q);
    EXPECT_EQ(a().walk(std::string("/v1/messages?perPage=1000&q=") + q), invoice);
  }
  const auto rare = a().expected([](const core::message& m) { return subject_has(m, rare_word); });
  ASSERT_EQ(rare.size(), 1u);
  EXPECT_EQ(a().walk("/v1/messages?q=zeppelin"), rare);
}

// A non-ASCII word is found in any letter case and with its accents left off.
TEST_F(QueryHttp, TextSearchFindsTheNonAsciiWord) {
  const auto want = a().expected([](const core::message& m) { return subject_has(m, unicode_word); });
  ASSERT_GT(want.size(), 5u);
  for (const char* q : {"Gr%C3%BC%C3%9Fe", "gr%C3%BC%C3%9Fe", "GR%C3%9C%C3%9FE", "gru%C3%9Fe"}) {
    SCOPED_TRACE(q);
    EXPECT_EQ(a().walk(std::string("/v1/messages?perPage=7&q=") + q), want);
  }
}

// `word*` matches every word with that prefix, ASCII or not, alone or with other words.
TEST_F(QueryHttp, TextSearchWordStarMatchesAPrefix) {
  const auto invoice = a().expected([](const core::message& m) { return subject_has(m, "invoice"); });
  EXPECT_EQ(a().walk("/v1/messages?perPage=1000&q=invoi*"), invoice);
  const auto re = a().expected([](const core::message& m) { return subject_has_prefix(m, "re"); });
  ASSERT_FALSE(re.empty());
  EXPECT_EQ(a().walk("/v1/messages?perPage=1000&q=RE*"), re);
  const auto gru = a().expected([](const core::message& m) { return subject_has(m, unicode_word); });
  EXPECT_EQ(a().walk("/v1/messages?q=gr%C3%BC*"), gru);
  const auto deliver = a().expected([](const core::message& m) {
    return subject_has_prefix(m, "deliver") && subject_has(m, "tomorrow");
  });
  ASSERT_FALSE(deliver.empty());
  EXPECT_EQ(a().walk("/v1/messages?q=deliver*%20tomorrow"), deliver);
}

// Every bad request is a 400 bad_parameter whose message names the parameter at fault.
TEST_F(QueryHttp, BadParametersAre400NamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/v1/messages?phonenumber=6505550100", "phonenumber"},  // names are case-sensitive
      {"/v1/messages?limit=10", "limit"},
      {"/v1/messages?phoneNumber=call-me", "phoneNumber"},
      {"/v1/messages?direction=in", "direction"},
      {"/v1/messages?messageType=MMS", "messageType"},
      {"/v1/messages?readStatus=yes", "readStatus"},
      {"/v1/messages?messageStatus=Lost", "messageStatus"},
      {"/v1/messages?availability=Gone", "availability"},
      {"/v1/messages?conversationId=", "conversationId"},
      {"/v1/messages?ownerId=", "ownerId"},
      {"/v1/messages?dateFrom=yesterday", "dateFrom"},
      {"/v1/messages?dateFrom=2024-01-01T25:00:00Z", "dateFrom"},
      {"/v1/messages?dateTo=2024-13-01", "dateTo"},
      {"/v1/messages?dateTo=2024-02-30", "dateTo"},
      {"/v1/messages?perPage=0", "perPage"},
      {"/v1/messages?perPage=1001", "perPage"},
      {"/v1/messages?perPage=ten", "perPage"},
      {"/v1/messages?perPage=-5", "perPage"},
      {"/v1/messages?perPage=10.5", "perPage"},
      {"/v1/messages?order=newest", "order"},
      {"/v1/messages?format=xml", "format"},
      {"/v1/messages?q=", "q"},
      {"/v1/messages?q=*", "q"},
      {"/v1/messages?q=a*b", "q"},
      {"/v1/messages?q=**", "q"},
      {"/v1/messages?q=%zz", "q"},
      {"/v1/messages?pageToken=xyz", "pageToken"},
      {"/v1/messages?pageToken=", "pageToken"},
      {"/v1/messages?direction=Inbound&direction=Outbound", "direction"},
      {"/v1/conversations?perPage=0", "perPage"},
      {"/v1/conversations?pageToken=nope", "pageToken"},
      {"/v1/conversations?order=asc", "order"},
      {"/v1/conversations/1/messages?perPage=5000", "perPage"},
      {"/v1/rejected?perPage=many", "perPage"},
      {"/v1/stats?verbose=1", "verbose"},
  };
  for (const auto& [target, name] : cases) {
    SCOPED_TRACE(target);
    auto r = a().get(target);
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("application/json", 0), 0u);
    EXPECT_EQ(error_code_of(r), "bad_parameter");
    EXPECT_NE(error_message_of(r).find("'" + name + "'"), std::string::npos) << r.body;
  }
}

// A page token only continues the listing (and order) it came from; exports take none.
TEST_F(QueryHttp, PageTokensOnlyContinueTheirOwnListing) {
  auto desc = json_of(a().get("/v1/messages?perPage=10"));
  const std::string token(desc.at("paging").at("nextPageToken").as_string());
  auto convs = json_of(a().get("/v1/conversations?perPage=10"));
  const std::string conv_token(convs.at("paging").at("nextPageToken").as_string());
  for (const auto& target : {"/v1/messages?order=asc&pageToken=" + token,
                                   "/v1/messages?pageToken=" + conv_token,
                                   "/v1/conversations?pageToken=" + token,
                                   "/v1/messages?format=csv&pageToken=" + token,
                                   "/v1/messages?format=ndjson&pageToken=" + token}) {
    SCOPED_TRACE(target);
    auto r = a().get(target);
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_NE(error_message_of(r).find("'pageToken'"), std::string::npos) << r.body;
  }
  // With its own listing the token continues right after the first page.
  auto next = json_of(a().get("/v1/messages?perPage=10&pageToken=" + token));
  EXPECT_EQ(ids_of(next).front(), a().expected(any)[10]);
}

// Unknown ids and paths are 404 not_found in the JSON error shape; other methods 405.
TEST_F(QueryHttp, UnknownIdsAndPathsAre404) {
  for (const char* target : {"/v1/messages/123456", "/v1/messages/123456/events", "/v1/events/no-such-uuid",
                             "/v1/events/ds-42-9999999", "/v2/messages", "/v1/message", "/v1/messages/1/2/3", "/",
                             "/v1"}) {
    SCOPED_TRACE(target);
    auto r = a().get(target);
    EXPECT_EQ(r.status, 404u) << r.body;
    EXPECT_EQ(error_code_of(r), "not_found");
  }
  http_client c(a().app().query_port());
  auto r = c.request("DELETE", "/v1/messages/" + a().messages()[5].id);
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("Allow").value_or(""), "GET");
  EXPECT_EQ(a().get("/v1/messages/" + a().messages()[5].id).status, 200u);  // still there
}

// format=ndjson (or Accept: application/x-ndjson) streams exactly the records the JSON walk lists.
TEST_F(QueryHttp, NdjsonExportHoldsExactlyTheJsonListing) {
  for (const std::string filter : {"", "direction=Inbound", "phoneNumber=6505550100", "q=invoice",
                                   "order=asc&messageType=SMS&readStatus=Unread"}) {
    SCOPED_TRACE(filter);
    const auto listed = all_records(a(), "/v1/messages?perPage=150" + (filter.empty() ? "" : "&" + filter));
    ASSERT_FALSE(listed.empty());
    auto r = a().get("/v1/messages?format=ndjson" + (filter.empty() ? "" : "&" + filter));
    ASSERT_EQ(r.status, 200u) << r.body.substr(0, 300);
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/x-ndjson");
    const auto exported = parse_ndjson(r.body);
    EXPECT_EQ(record_ids(exported), record_ids(listed));
    EXPECT_TRUE(exported == listed);  // record for record, field for field
    auto by_accept = a().get("/v1/messages" + (filter.empty() ? "" : "?" + filter), {{"Accept", "application/x-ndjson"}});
    EXPECT_EQ(by_accept.status, 200u);
    EXPECT_EQ(by_accept.header("Content-Type").value_or(""), "application/x-ndjson");
    EXPECT_EQ(by_accept.body, r.body);
  }
  // An export ignores perPage: it is every match, not one page.
  auto all = a().get("/v1/messages?format=ndjson&perPage=5");
  EXPECT_EQ(parse_ndjson(all.body).size(), archive_size);
  // Accept with parameters and several types still selects the export.
  auto listed_types = a().get("/v1/messages", {{"Accept", "application/x-ndjson, application/json;q=0.5"}});
  EXPECT_EQ(listed_types.header("Content-Type").value_or(""), "application/x-ndjson");
  EXPECT_EQ(parse_ndjson(listed_types.body).size(), archive_size);
  // Accept: application/json keeps the paged JSON listing.
  auto json = a().get("/v1/messages", {{"Accept", "application/json"}});
  EXPECT_EQ(json.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  EXPECT_EQ(ids_of(json_of(json)).size(), 100u);
}

// format=csv (or Accept: text/csv) has the documented header and one row per listed record.
TEST_F(QueryHttp, CsvExportHasHeaderAndOneRowPerListedRecord) {
  const std::vector<std::string> header{"id",         "ownerId",   "creationTime", "lastModifiedTime", "type",
                                        "direction",  "from",      "to",           "subject",          "messageStatus",
                                        "readStatus", "availability", "conversationId", "attachments"};
  std::map<std::string, const core::message*> by_id;
  for (const auto& m : a().messages()) by_id[m.id] = &m;
  for (const std::string filter : {"", "messageType=VoiceMail", "q=Gr%C3%BC%C3%9Fe", "availability=Deleted&order=asc"}) {
    SCOPED_TRACE(filter);
    const auto listed = a().walk("/v1/messages?perPage=150" + (filter.empty() ? "" : "&" + filter));
    ASSERT_FALSE(listed.empty());
    auto r = a().get("/v1/messages?format=csv" + (filter.empty() ? "" : "&" + filter));
    ASSERT_EQ(r.status, 200u) << r.body.substr(0, 300);
    EXPECT_EQ(r.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
    const auto rows = parse_csv(r.body);
    ASSERT_EQ(rows.size(), listed.size() + 1);
    EXPECT_EQ(rows[0], header);
    for (std::size_t k = 1; k < rows.size(); ++k) {
      const auto& row = rows[k];
      ASSERT_EQ(row.size(), header.size()) << "row " << k;
      EXPECT_EQ(row[0], listed[k - 1]);
      const auto* m = by_id.at(row[0]);
      auto label = [](const core::party& p) { return p.phone_number ? *p.phone_number : *p.extension_number; };
      EXPECT_EQ(row[1], *m->owner_id);
      EXPECT_EQ(row[2], core::format_iso8601(*m->creation_time));
      EXPECT_EQ(row[4], *m->type);
      EXPECT_EQ(row[6], label(*m->from));
      EXPECT_EQ(row[7], label(m->to->at(0)));
      EXPECT_EQ(row[8], m->subject.value_or(""));
      EXPECT_EQ(row[11], *m->availability);
      EXPECT_EQ(row[12], m->conversation_id.value_or(""));
      EXPECT_EQ(row[13], std::to_string(m->attachments ? m->attachments->size() : 0));
    }
    auto by_accept = a().get("/v1/messages" + (filter.empty() ? "" : "?" + filter), {{"Accept", "text/csv"}});
    EXPECT_EQ(by_accept.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
    EXPECT_EQ(by_accept.body, r.body);
  }
  auto with_charset = a().get("/v1/messages?messageType=Fax", {{"Accept", "text/csv; charset=utf-8"}});
  EXPECT_EQ(with_charset.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  EXPECT_EQ(parse_csv(with_charset.body).size(),
            a().expected([](const core::message& m) { return m.type == "Fax"; }).size() + 1);
  // No match is the header row alone.
  auto empty = a().get("/v1/messages?format=csv&q=nothingmatchesthis");
  EXPECT_EQ(empty.status, 200u);
  EXPECT_EQ(parse_csv(empty.body), std::vector<std::vector<std::string>>{header});
}

// Exports go out with Transfer-Encoding: chunked, in several well-framed chunks, no Content-Length.
TEST_F(QueryHttp, ExportsAreChunkedOnTheWire) {
  for (const std::string target : {"/v1/messages?format=ndjson", "/v1/messages?format=csv"}) {
    SCOPED_TRACE(target);
    const auto raw = raw_exchange(a().app().query_port(),
                                  "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    const auto w = parse_wire(raw);
    EXPECT_EQ(w.head.rfind("HTTP/1.1 200", 0), 0u) << w.head;
    std::string lower = w.head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    EXPECT_NE(lower.find("\r\ntransfer-encoding: chunked"), std::string::npos) << w.head;
    EXPECT_EQ(lower.find("\r\ncontent-length:"), std::string::npos) << w.head;
    EXPECT_TRUE(w.framing_ok);
    EXPECT_GT(w.chunks.size(), 1u);  // streamed, not rendered whole
    const auto lines = static_cast<std::size_t>(std::count(w.body.begin(), w.body.end(), '\n'));
    EXPECT_EQ(lines, target.find("csv") != std::string::npos ? archive_size + 1 : archive_size);
    EXPECT_EQ(w.body, a().get(target).body);  // the client's de-chunked body is the same bytes
  }
}

// An HTTP/1.0 client (curl --http1.0, ab, old proxies) cannot read chunked
// encoding (RFC 9112 section 6.1: a server must not send Transfer-Encoding to
// it), so an export to it must be delimited by closing the connection and the
// bytes it saves must be the export itself. (Found failing by this test: the
// server used to send chunk-size lines that ended up inside the CSV.)
TEST_F(QueryHttp, ExportToAnHttp10ClientIsNotChunked) {
  const std::string target = "/v1/messages?format=csv&messageType=Fax";
  const auto raw = raw_exchange(a().app().query_port(), "GET " + target + " HTTP/1.0\r\nHost: localhost\r\n\r\n");
  const auto w = parse_wire(raw);
  EXPECT_EQ(w.head.rfind("HTTP/1.", 0), 0u) << w.head;
  EXPECT_NE(w.head.find(" 200 "), std::string::npos) << w.head;
  std::string lower = w.head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(lower.find("transfer-encoding"), std::string::npos) << w.head;
  const auto end = raw.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string saved = raw.substr(end + 4);
  const std::string want = a().get(target).body;
  EXPECT_TRUE(saved == want) << "what the user saves is not the CSV: it begins "
                             << saved.substr(0, 40) << "... and ends ..." << saved.substr(saved.size() - std::min<std::size_t>(saved.size(), 20));
}

// A client that hangs up in the middle of an export (Ctrl-C on curl) costs the
// daemon nothing: it keeps serving, and the next export is complete.
TEST_F(QueryHttp, ClientHangingUpMidExportLeavesTheServerServing) {
  for (int i = 0; i < 3; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(a().app().query_port());
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    const std::string req = "GET /v1/messages?format=ndjson HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    char buf[512];
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1);
    ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0);  // the export has begun
    linger abort_now{1, 0};                         // close with a reset, as a killed client does
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
    ::close(fd);
  }
  EXPECT_EQ(a().get("/healthz").status, 200u);
  auto r = a().get("/v1/messages?format=ndjson");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(parse_ndjson(r.body).size(), archive_size);
}

// Conversations: each listed once across pages, most recent first, with its count, last message and numbers.
TEST_F(QueryHttp, ConversationsWalkListsEachOnceMostRecentFirst) {
  struct conv {
    std::size_t count = 0;
    std::size_t last = 0;
  };
  std::map<std::string, conv> want;
  for (std::size_t i = 0; i < a().messages().size(); ++i) {
    const auto& m = a().messages()[i];
    if (!m.conversation_id) continue;
    auto& c = want[*m.conversation_id];
    ++c.count;
    c.last = i;
  }
  std::vector<std::pair<std::size_t, std::string>> order;
  for (const auto& [id, c] : want) order.emplace_back(c.last, id);
  std::sort(order.rbegin(), order.rend());

  std::vector<boost::json::value> listed;
  std::string target = "/v1/conversations?perPage=37";
  for (int page = 0; page < 1000; ++page) {
    auto r = a().get(target);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto v = json_of(r);
    EXPECT_LE(v.at("records").as_array().size(), 37u);
    for (const auto& c : v.at("records").as_array()) listed.push_back(c);
    if (!v.at("paging").as_object().contains("nextPageToken")) break;
    target = "/v1/conversations?perPage=37&pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string());
  }
  ASSERT_EQ(listed.size(), order.size());
  for (std::size_t k = 0; k < listed.size(); ++k) {
    const auto& [last, id] = order[k];
    const auto& c = listed[k].as_object();
    ASSERT_EQ(c.at("conversationId").as_string(), id) << "position " << k;
    EXPECT_EQ(c.at("messageCount").as_int64(), static_cast<std::int64_t>(want[id].count));
    const auto& m = a().messages()[last];
    EXPECT_EQ(c.at("lastMessage").at("id").as_string(), m.id);
    std::set<std::string> numbers{*m.from->phone_number, *m.to->at(0).phone_number};
    std::set<std::string> got;
    for (const auto& p : c.at("participants").as_array()) got.insert(std::string(p.as_string()));
    EXPECT_EQ(got, numbers);
  }
}

// A conversation's messages are listed oldest first, and paging visits each once.
TEST_F(QueryHttp, ConversationMessagesAreOldestFirstAcrossPages) {
  const auto conv = busiest_conversation(a());
  const auto want = reversed(a().expected([&](const core::message& m) { return m.conversation_id == conv; }));
  ASSERT_GT(want.size(), 3u);
  EXPECT_EQ(a().walk("/v1/conversations/" + conv + "/messages?perPage=2"), want);
  EXPECT_EQ(a().walk("/v1/conversations/" + conv + "/messages"), want);
}

// Events of a stored message, and the event by uuid, return the envelope byte for byte.
TEST_F(QueryHttp, StoredEnvelopesComeBackByteForByte) {
  for (std::size_t i : {std::size_t{3}, std::size_t{1234}}) {
    const auto n = make_notification(a().opts(), i);
    const auto raw = envelope_for(n);
    auto r = a().get("/v1/messages/" + n.msg->id + "/events");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_NE(r.body.find("\"envelope\":" + raw + "}"), std::string::npos) << r.body;
    auto v = json_of(r);
    ASSERT_EQ(v.at("records").as_array().size(), 1u);
    EXPECT_EQ(v.at("records").at(0).at("uuid").as_string(), n.uuid);
    EXPECT_EQ(v.at("records").at(0).at("outcome").as_string(), "applied");
    EXPECT_EQ(v.at("records").at(0).at("messageId").as_string(), n.msg->id);
    auto e = a().get("/v1/events/" + n.uuid);
    ASSERT_EQ(e.status, 200u) << e.body;
    EXPECT_EQ(e.body.substr(e.body.size() - raw.size() - 1), raw + "}");
    EXPECT_EQ(json_of(e), v.at("records").at(0));
  }
}

// ---- tests that change the archive (each has its own app) -------------------

// A desc walk that began before new messages arrived lists exactly the messages
// that existed when it began, once each, even though new notifications (and
// updates of listed and unlisted messages) arrive between its pages.
TEST(QueryHttpLive, DescPagingIsStableWhileNewMessagesArrive) {
  query_http_archive a(600);
  for (const std::string filter : {"", "&phoneNumber=6505550100", "&direction=Inbound&q=the"}) {
    SCOPED_TRACE(filter);
    const auto pred = [&](const core::message& m) {
      if (filter.empty()) return true;
      if (filter[1] == 'p') return has_digits(m, "16505550100");
      return m.direction == "Inbound" && subject_has(m, "the");
    };
    const auto want = a.expected(pred);
    ASSERT_GT(want.size(), 8u);
    const std::size_t per_page = std::max<std::size_t>(2, want.size() / 8);
    std::vector<std::string> seen;
    const std::string base = "/v1/messages?perPage=" + std::to_string(per_page) + filter;
    std::string target = base;
    for (int page = 0; page < 1000; ++page) {
      auto v = json_of(a.get(target));
      const auto ids = ids_of(v);
      seen.insert(seen.end(), ids.begin(), ids.end());
      if (!v.at("paging").as_object().contains("nextPageToken")) break;
      // New messages (the busy number takes every 33rd), and an update of the
      // newest listed message and of the oldest not yet listed one.
      a.post_generated(12);
      const auto& listed = *std::find_if(a.messages().begin(), a.messages().end(),
                                         [&](const core::message& m) { return m.id == ids.front(); });
      const auto& unlisted = *std::find_if(a.messages().begin(), a.messages().end(),
                                           [&](const core::message& m) { return m.id == want.back(); });
      for (const auto* m : {&listed, &unlisted}) {
        auto r = a.post(update_envelope(*m, "upd-" + std::to_string(page) + filter + m->id, minute * (page + 1),
                                        [](core::message& x) { x.read_status = x.read_status == "Read" ? "Unread" : "Read"; }));
        ASSERT_EQ(r.status, 200u) << r.body;
      }
      target = with_param(base, "pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string()));
    }
    EXPECT_EQ(seen, want);
    // A fresh walk sees the new messages too.
    EXPECT_EQ(a.walk(base), a.expected(pred));
  }
}

// Several clients walking at once while notifications arrive each get a
// consistent listing: every message that existed when their walk began, once,
// newest first, and nothing else.
TEST(QueryHttpLive, ConcurrentWalksWhileNotificationsArriveAreEachConsistent) {
  query_http_archive a(400);
  // Everything that will exist, so walkers can check against it without sharing state.
  std::vector<core::message> all = a.messages();
  for (std::size_t i = all.size(); i < 520; ++i) all.push_back(*make_notification(a.opts(), i).msg);
  const auto port = a.app().query_port();
  std::vector<std::vector<std::string>> seen(3);
  std::vector<std::string> failures(3);
  std::vector<std::thread> walkers;
  for (std::size_t w = 0; w < seen.size(); ++w) {
    walkers.emplace_back([&, w] {
      try {
        http_client c(port);
        for (int round = 0; round < 2; ++round) {
          std::vector<std::string> ids;
          std::string target = "/v1/messages?perPage=" + std::to_string(37 + 10 * w);
          for (int page = 0; page < 1000; ++page) {
            auto r = c.get(target);
            if (r.status != 200) throw std::runtime_error("status " + std::to_string(r.status) + ": " + r.body);
            auto v = boost::json::parse(r.body);
            for (const auto& rec : v.at("records").as_array()) ids.emplace_back(rec.at("id").as_string());
            const auto& paging = v.at("paging").as_object();
            if (!paging.contains("nextPageToken")) break;
            target = "/v1/messages?perPage=" + std::to_string(37 + 10 * w) +
                     "&pageToken=" + std::string(paging.at("nextPageToken").as_string());
          }
          seen[w] = ids;
          if (ids.empty()) throw std::runtime_error("empty walk");
          // The first id is the newest message when the walk began; the rest must be all older ones.
          std::size_t newest = 0;
          while (newest < all.size() && all[newest].id != ids.front()) ++newest;
          std::vector<std::string> want;
          for (std::size_t i = newest + 1; i-- > 0;) want.push_back(all[i].id);
          if (newest == all.size() || ids != want) {
            failures[w] = "walk " + std::to_string(round) + " saw " + std::to_string(ids.size()) +
                          " ids starting at " + ids.front();
            return;
          }
        }
      } catch (const std::exception& e) {
        failures[w] = e.what();
      }
    });
  }
  a.post_generated(120);
  for (auto& t : walkers) t.join();
  for (std::size_t w = 0; w < seen.size(); ++w) {
    EXPECT_EQ(failures[w], "") << "walker " << w;
    EXPECT_GE(seen[w].size(), 400u);
  }
  EXPECT_EQ(a.walk("/v1/messages?perPage=1000"), a.expected(any));
}

// An ascending walk reaches the messages that arrive during it, each exactly once.
TEST(QueryHttpLive, AscPagingReachesMessagesArrivingDuringTheWalk) {
  query_http_archive a(300);
  std::vector<std::string> seen;
  std::string target = "/v1/messages?order=asc&perPage=64";
  for (int page = 0; page < 1000; ++page) {
    auto v = json_of(a.get(target));
    const auto ids = ids_of(v);
    seen.insert(seen.end(), ids.begin(), ids.end());
    if (!v.at("paging").as_object().contains("nextPageToken")) break;
    if (page < 6) a.post_generated(25);
    target = "/v1/messages?order=asc&perPage=64&pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string());
  }
  EXPECT_EQ(a.messages().size(), 450u);
  EXPECT_EQ(seen, reversed(a.expected(any)));
}

// Messages posted through the webhook are found by every filter at once, not only seeded ones.
TEST(QueryHttpLive, PostedNotificationsAreQueryableAtOnce) {
  query_http_archive a(0);
  a.post_generated(200);
  EXPECT_EQ(a.walk("/v1/messages?perPage=60"), a.expected(any));
  EXPECT_EQ(a.walk("/v1/messages?phoneNumber=6505550100"),
            a.expected([](const core::message& m) { return has_digits(m, "16505550100"); }));
  EXPECT_EQ(a.walk("/v1/messages?q=invoice&direction=Outbound"),
            a.expected([](const core::message& m) { return subject_has(m, "invoice") && m.direction == "Outbound"; }));
  // The next one is listed first as soon as its POST was answered.
  a.post_generated(1);
  EXPECT_EQ(ids_of(json_of(a.get("/v1/messages?perPage=1"))), std::vector<std::string>{a.messages().back().id});
}

// A number stored without its country code (as some parties carry it) is
// still found by the E.164 form, and a stored E.164 number by the 10-digit form.
TEST(QueryHttpLive, PhoneNumberMatchesWithAndWithoutCountryCode) {
  query_http_archive a(0);
  core::message m = an_sms(a);
  m.id = "777";
  m.from->phone_number = "(650) 555-0199";
  ASSERT_EQ(a.post(envelope_for(m, "bare-1", *m.creation_time)).status, 200u);
  core::message e164 = an_sms(a);
  e164.id = "778";
  e164.creation_time = *e164.creation_time + minute;
  e164.from->phone_number = "+16505550199";
  ASSERT_EQ(a.post(envelope_for(e164, "e164-1", *e164.creation_time)).status, 200u);
  for (const char* input : {"%2B16505550199", "16505550199", "6505550199", "(650)%20555-0199"}) {
    SCOPED_TRACE(input);
    EXPECT_EQ(a.walk(std::string("/v1/messages?phoneNumber=") + input), (std::vector<std::string>{"778", "777"}));
  }
  EXPECT_TRUE(a.walk("/v1/messages?phoneNumber=26505550199").empty());  // another country code is another number
}

// CSV fields holding commas, quotes or line breaks are quoted (RFC 4180); several recipients are joined by ';'.
TEST(QueryHttpLive, CsvQuotesAwkwardFieldsAndJoinsRecipients) {
  query_http_archive a(0);
  core::message m = an_sms(a);
  m.subject = "Price: \"$5\", not $6\r\nOK?";
  core::party desk;
  desk.name = "Front Desk, HQ";
  core::party ext;
  ext.extension_number = "101";
  m.to = std::vector<core::party>{m.to->at(0), desk, ext};
  ASSERT_EQ(a.post(envelope_for(m, "csv-1", *m.creation_time)).status, 200u);
  auto r = a.get("/v1/messages?format=csv");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("\"Price: \"\"$5\"\", not $6\r\nOK?\""), std::string::npos) << r.body;
  const auto rows = parse_csv(r.body);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].size(), 14u);
  EXPECT_EQ(rows[1][0], m.id);
  EXPECT_EQ(rows[1][7], *m.to->at(0).phone_number + ";Front Desk, HQ;101");
  EXPECT_EQ(rows[1][8], *m.subject);
  // The same text in JSON and NDJSON.
  auto v = json_of(a.get("/v1/messages/" + m.id));
  EXPECT_EQ(v.at("subject").as_string(), *m.subject);
  EXPECT_EQ(parse_ndjson(a.get("/v1/messages?format=ndjson").body).at(0), v);
}

// A message's events are its notifications oldest first, each as received (bytes,
// outcome, reason); /v1/events/{uuid} returns the same; the message shows the newest version.
TEST(QueryHttpLive, MessageEventsAreItsNotificationsOldestFirst) {
  query_http_archive a(0);
  core::message m = an_sms(a);
  m.id = "9007199254740993";  // beyond 2^53: must survive digit for digit
  m.read_status = "Unread";
  // Version 1, pretty-printed and with the id as a JSON number.
  std::string v1 = envelope_for(m, "ev-1", *m.creation_time);
  const std::string quoted_id = "\"id\":\"" + m.id + "\"";
  v1.replace(v1.find(quoted_id), quoted_id.size(), "\"id\": " + m.id);
  v1 = "{\n  " + v1.substr(1, v1.size() - 2) + "\n}\n";
  const std::string v2 = update_envelope(m, "ev-2", 10 * minute, [](core::message& x) { x.read_status = "Read"; });
  const std::string v0 = update_envelope(m, "ev-0", 5 * minute, [](core::message& x) { x.availability = "Deleted"; });
  auto bad = boost::json::parse(update_envelope(m, "ev-bad", 20 * minute, [](core::message&) {}));
  bad.at("body").as_object()["lastModifiedTime"] = "not a time";
  const std::string v3 = boost::json::serialize(bad);
  for (const std::string* body : std::vector<const std::string*>{&v1, &v2, &v0, &v3}) ASSERT_EQ(a.post(*body).status, 200u) << *body;

  auto r = a.get("/v1/messages/" + m.id + "/events");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto v = json_of(r);
  const auto& events = v.at("records").as_array();
  ASSERT_EQ(events.size(), 3u);  // the unnormalised one names no message
  const std::vector<std::pair<std::string, std::string>> want{{"ev-1", "applied"}, {"ev-2", "applied"}, {"ev-0", "stale"}};
  for (std::size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(events[k].at("uuid").as_string(), want[k].first);
    EXPECT_EQ(events[k].at("outcome").as_string(), want[k].second);
    EXPECT_EQ(events[k].at("kind").as_string(), "instant_message");
    EXPECT_EQ(events[k].at("messageId").as_string(), m.id);
    EXPECT_TRUE(core::parse_iso8601(events[k].at("receivedAt").as_string()).has_value());
  }
  EXPECT_NE(r.body.find("\"envelope\":" + v1 + "}"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"envelope\":" + v0 + "}"), std::string::npos);

  auto e = a.get("/v1/events/ev-1");
  ASSERT_EQ(e.status, 200u);
  EXPECT_EQ(e.body.substr(e.body.size() - v1.size() - 1), v1 + "}");
  EXPECT_EQ(json_of(e), events[0]);
  auto u = json_of(a.get("/v1/events/ev-bad"));
  EXPECT_EQ(u.at("outcome").as_string(), "unnormalised");
  EXPECT_NE(std::string(u.at("reason").as_string()).find("lastModifiedTime"), std::string::npos) << u;
  EXPECT_EQ(u.at("envelope"), boost::json::parse(v3));

  auto msg = json_of(a.get("/v1/messages/" + m.id));
  EXPECT_EQ(msg.at("id").as_string(), m.id);
  EXPECT_EQ(msg.at("readStatus").as_string(), "Read");       // from ev-2
  EXPECT_EQ(msg.at("availability").as_string(), "Alive");    // ev-0 was stale
  EXPECT_EQ(msg.at("lastModifiedTime").as_string(), core::format_iso8601(*m.last_modified_time + 10 * minute));
}

// /v1/stats counts exactly what was stored: seeded plus posted, by outcome, type and direction.
TEST(QueryHttpLive, StatsEqualWhatWasPosted) {
  query_http_archive a(300);
  const auto mix = post_mix(a, 100);
  auto r = a.get("/v1/stats");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto v = json_of(r);
  const std::int64_t messages = static_cast<std::int64_t>(a.messages().size());
  ASSERT_EQ(messages, 400);
  const auto& ev = v.at("events");
  EXPECT_EQ(ev.at("applied").as_int64(), messages);
  EXPECT_EQ(ev.at("stale").as_int64(), static_cast<std::int64_t>(mix.stale));
  EXPECT_EQ(ev.at("unnormalised").as_int64(), static_cast<std::int64_t>(mix.unnormalised));
  EXPECT_EQ(ev.at("duplicate").as_int64(), static_cast<std::int64_t>(mix.duplicates));
  EXPECT_EQ(ev.at("total").as_int64(), messages + static_cast<std::int64_t>(mix.stale + mix.unnormalised));
  EXPECT_EQ(v.at("messages").at("total").as_int64(), messages);
  std::map<std::string, std::int64_t> types;
  std::map<std::string, std::int64_t> directions;
  for (const auto& m : a.messages()) {
    ++types[*m.type];
    ++directions[*m.direction];
  }
  for (const auto& [type, n] : types) EXPECT_EQ(v.at("messages").at("byType").at(type).as_int64(), n) << type;
  EXPECT_EQ(v.at("messages").at("byType").as_object().size(), types.size());
  for (const auto& [dir, n] : directions) EXPECT_EQ(v.at("messages").at("byDirection").at(dir).as_int64(), n) << dir;
  EXPECT_EQ(v.at("rejected").as_int64(), static_cast<std::int64_t>(mix.rejected));
  EXPECT_EQ(v.at("oldestMessage").as_string(), core::format_iso8601(created(0)));
  EXPECT_EQ(v.at("newestMessage").as_string(), core::format_iso8601(created(399)));
  EXPECT_GT(v.at("databaseBytes").as_int64(), 0);
}

// /metrics is Prometheus text with only rcvault_* names, and its counters count what was posted and asked.
TEST(QueryHttpLive, MetricsAreValidPrometheusCountingWhatWasPosted) {
  query_http_archive a(50);
  const auto before = std::chrono::system_clock::now();
  const auto mix = post_mix(a, 30);
  const auto after = std::chrono::system_clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(a.get("/v1/messages?perPage=5").status, 200u);
  ASSERT_EQ(a.get("/v1/messages/404404").status, 404u);

  auto r = a.get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/plain; version=0.0.4", 0), 0u);
  std::map<std::string, std::string> types;
  const auto samples = parse_prometheus(r.body, types);
  ASSERT_FALSE(samples.empty());
  for (const auto& s : samples) {
    EXPECT_EQ(s.name.rfind("rcvault_", 0), 0u) << s.name;
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!types.contains(family) && family.ends_with(suffix)) family.resize(family.size() - std::strlen(suffix));
    EXPECT_TRUE(types.contains(family)) << "no # TYPE for " << s.name;
  }
  auto outcome = [&](const char* o) { return value_of(samples, "rcvault_notifications_total", std::string("{outcome=\"") + o + "\"}"); };
  EXPECT_EQ(outcome("applied"), static_cast<double>(mix.applied));
  EXPECT_EQ(outcome("duplicate"), static_cast<double>(mix.duplicates));
  EXPECT_EQ(outcome("stale"), static_cast<double>(mix.stale));
  EXPECT_EQ(outcome("unnormalised"), static_cast<double>(mix.unnormalised));
  EXPECT_EQ(outcome("rejected"), static_cast<double>(mix.rejected));
  EXPECT_EQ(value_of(samples, "rcvault_ack_seconds_count"), static_cast<double>(mix.posts()));
  EXPECT_EQ(value_of(samples, "rcvault_ack_seconds_bucket", "{le=\"+Inf\"}"), static_cast<double>(mix.posts()));
  double previous = 0;
  for (const auto& s : samples)
    if (s.name == "rcvault_ack_seconds_bucket") {
      EXPECT_GE(s.value, previous) << s.labels;  // cumulative buckets
      previous = s.value;
    }
  EXPECT_EQ(value_of(samples, "rcvault_writer_notifications_total"),
            static_cast<double>(mix.applied + mix.duplicates + mix.stale + mix.unnormalised));
  const double last = value_of(samples, "rcvault_last_notification_timestamp_seconds");
  EXPECT_GE(last, std::chrono::duration<double>(before.time_since_epoch()).count() - 1);
  EXPECT_LE(last, std::chrono::duration<double>(after.time_since_epoch()).count() + 1);
  EXPECT_GT(value_of(samples, "rcvault_database_bytes"), 0);
  EXPECT_EQ(value_of(samples, "rcvault_writer_queue_depth"), 0);
  // Request counters: by route pattern (never an id) and status.
  EXPECT_EQ(await_metric(a, "rcvault_http_requests_total", "{route=\"webhook\",status=\"200\"}",
                         static_cast<double>(mix.posts() - mix.rejected)),
            static_cast<double>(mix.posts() - mix.rejected));
  EXPECT_EQ(await_metric(a, "rcvault_http_requests_total", "{route=\"webhook\",status=\"400\"}",
                         static_cast<double>(mix.rejected)),
            static_cast<double>(mix.rejected));
  EXPECT_EQ(await_metric(a, "rcvault_http_requests_total", "{route=\"/v1/messages\",status=\"200\"}", 3), 3);
  EXPECT_EQ(await_metric(a, "rcvault_http_requests_total", "{route=\"/v1/messages/{id}\",status=\"404\"}", 1), 1);
}

// /v1/rejected lists the refused requests newest first, with code, size and first bytes, paged.
TEST(QueryHttpLive, RejectedListsDeadLettersNewestFirst) {
  query_http_archive a(0);
  const std::string broken = R"({"uuid":"1","body":{)";
  const std::string not_envelope = R"({"hello":"world"})";
  ASSERT_EQ(a.post(broken).status, 400u);
  ASSERT_EQ(a.post(not_envelope).status, 400u);
  a.post_generated(1);  // the writer's queue is ordered: once this is stored, both dead letters are too
  auto v = json_of(a.get("/v1/rejected"));
  const auto& recs = v.at("records").as_array();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].at("code").as_string(), "invalid_envelope");
  EXPECT_EQ(recs[0].at("head").as_string(), not_envelope);
  EXPECT_EQ(recs[0].at("size").as_int64(), static_cast<std::int64_t>(not_envelope.size()));
  EXPECT_EQ(recs[1].at("code").as_string(), "invalid_json");
  EXPECT_EQ(recs[1].at("head").as_string(), broken);
  EXPECT_TRUE(core::parse_iso8601(recs[1].at("receivedAt").as_string()).has_value());
  // Paged one at a time, each is seen once.
  auto first = json_of(a.get("/v1/rejected?perPage=1"));
  ASSERT_EQ(first.at("records").as_array().size(), 1u);
  auto second = json_of(a.get("/v1/rejected?perPage=1&pageToken=" +
                              std::string(first.at("paging").at("nextPageToken").as_string())));
  ASSERT_EQ(second.at("records").as_array().size(), 1u);
  EXPECT_EQ(second.at("records").at(0).at("code").as_string(), "invalid_json");
  EXPECT_FALSE(second.at("paging").as_object().contains("nextPageToken"));
}

// With query.token set, every query route but /healthz needs `Authorization: Bearer <token>`.
TEST(QueryHttpLive, QueryTokenGuardsEveryRouteButHealthz) {
  const std::string token = "q-s3cret-t0ken";
  query_http_archive a(20, [&](config::config& c) { c.query.token = token; });
  const header_list good{{"Authorization", "Bearer " + token}};
  for (const char* target : {"/v1/messages", "/v1/messages/90", "/v1/stats", "/v1/conversations", "/metrics",
                             "/readyz", "/v1/rejected", "/v1/nothing-here"}) {
    SCOPED_TRACE(target);
    for (const header_list& wrong : {header_list{},
                                     header_list{{"Authorization", "Bearer " + token + "x"}},
                                     header_list{{"Authorization", "Bearer " + token.substr(1)}},
                                     header_list{{"Authorization", "Basic " + token}},
                                     header_list{{"Authorization", token}}}) {
      auto r = a.get(target, wrong);
      EXPECT_EQ(r.status, 401u) << r.body;
      EXPECT_EQ(error_code_of(r), "unauthorized");
      EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Bearer");
      EXPECT_EQ(r.body.find(token), std::string::npos);
    }
    const unsigned want = std::string_view(target) == "/v1/nothing-here" ? 404u : 200u;
    EXPECT_EQ(a.get(target, good).status, want);
  }
  EXPECT_EQ(a.get("/v1/stats", {{"Authorization", "bearer " + token}}).status, 200u);  // the scheme is case-insensitive
  EXPECT_EQ(a.get("/healthz").status, 200u);
  EXPECT_EQ(a.get("/healthz", {{"Authorization", "Bearer wrong"}}).status, 200u);
  // The webhook never asks for the query token.
  a.post_generated(1);
  EXPECT_EQ(a.walk("/v1/messages?perPage=7", good), a.expected(any));
  auto csv = a.get("/v1/messages?format=csv", good);
  EXPECT_EQ(csv.status, 200u);
  EXPECT_EQ(parse_csv(csv.body).size(), a.messages().size() + 1);
}

}  // namespace
}  // namespace rcvault::test
