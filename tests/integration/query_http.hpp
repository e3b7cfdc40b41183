#pragma once
// The query API over real sockets: a generated archive (tests/support/dataset)
// in the database of a running_app, helpers to post generated messages the way
// RingCentral would, to walk pages over HTTP, and to compute from the
// generator what a query must return.

#include "dataset.hpp"
#include "http_client.hpp"
#include "running_app.hpp"

#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace rcvault::test {

// The archive the query tests share: few customers, so numbers and
// conversations repeat; message i is created at 2024-01-01T00:00Z + i minutes.
inline dataset_options query_dataset() {
  dataset_options o;
  o.customers = 300;
  return o;
}

// The filter path RingCentral uses for the message's kind.
inline std::string event_path_of(const core::message& m) {
  const std::string ext = "/restapi/v1.0/account/~/extension/" + m.owner_id.value_or("~");
  if (m.type == "VoiceMail") return ext + "/voicemail";
  if (m.type == "Fax") return ext + "/fax?direction=" + m.direction.value_or("Inbound");
  return ext + "/message-store/instant?type=" + m.type.value_or("SMS");
}

inline boost::json::object party_json(const core::party& p) {
  boost::json::object o;
  if (p.phone_number) o["phoneNumber"] = *p.phone_number;
  if (p.extension_number) o["extensionNumber"] = *p.extension_number;
  if (p.name) o["name"] = *p.name;
  return o;
}

// The notification envelope RingCentral would post for `m` (every field the
// generator set, in RingCentral's names), with this uuid and envelope time.
inline std::string envelope_for(const core::message& m, const std::string& uuid, core::millis sent) {
  boost::json::object body{{"id", m.id}};
  if (m.to) {
    boost::json::array to;
    for (const auto& p : *m.to) to.push_back(party_json(p));
    body["to"] = std::move(to);
  }
  if (m.from) body["from"] = party_json(*m.from);
  auto put = [&](const char* key, const std::optional<std::string>& v) {
    if (v) body[key] = *v;
  };
  put("type", m.type);
  if (m.creation_time) body["creationTime"] = core::format_iso8601(*m.creation_time);
  if (m.last_modified_time) body["lastModifiedTime"] = core::format_iso8601(*m.last_modified_time);
  put("readStatus", m.read_status);
  put("priority", m.priority);
  if (m.attachments) {
    boost::json::array as;
    for (const auto& a : *m.attachments) {
      boost::json::object o{{"id", a.id}};
      if (a.type) o["type"] = *a.type;
      if (a.content_type) o["contentType"] = *a.content_type;
      if (a.vm_duration) o["vmDuration"] = *a.vm_duration;
      as.push_back(std::move(o));
    }
    body["attachments"] = std::move(as);
  }
  put("direction", m.direction);
  put("availability", m.availability);
  put("subject", m.subject);
  put("messageStatus", m.message_status);
  put("conversationId", m.conversation_id);
  if (m.fax_page_count) body["faxPageCount"] = *m.fax_page_count;
  put("faxResolution", m.fax_resolution);
  put("vmTranscriptionStatus", m.vm_transcription_status);
  for (const auto& [k, v] : m.extra) body[k] = v;
  boost::json::object env{{"uuid", uuid},
                          {"event", event_path_of(m)},
                          {"timestamp", core::format_iso8601(sent)},
                          {"subscriptionId", "sub-query-http"},
                          {"ownerId", m.owner_id.value_or("0")},
                          {"body", std::move(body)}};
  return boost::json::serialize(env);
}

// The envelope of generated notification `n`, carrying its whole message.
inline std::string envelope_for(const core::notification& n) {
  return envelope_for(*n.msg, n.uuid, n.timestamp.value_or(*n.msg->creation_time));
}

// Writes `envelopes` into a fresh database at `db` exactly as ingest would
// store them (ingest::parse_envelope, then the one store::writer path), and
// returns once every one is committed. Throws when any is refused.
inline void seed_database(const std::filesystem::path& db, const std::vector<std::string>& envelopes) {
  store::options o;
  o.path = db;
  o.sync = store::synchronous::normal;
  auto migrated = store::migrate(o);
  if (!migrated) throw std::runtime_error("migrate: " + migrated.error().message);
  store::writer w(o, &ingest::renormalise);
  w.start();
  std::mutex m;
  std::condition_variable cv;
  std::size_t left = envelopes.size();
  std::size_t failed = 0;
  for (const auto& e : envelopes) {
    auto n = ingest::parse_envelope(e);
    if (!n) throw std::runtime_error("seed: " + n.error().message);
    w.submit(std::move(*n), [&](const store::write_result& r) {
      std::lock_guard lock(m);
      if (r.status != store::write_status::stored) ++failed;
      if (--left == 0) cv.notify_all();
    });
  }
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return left == 0; });
  }
  w.stop();
  if (failed != 0) throw std::runtime_error("seed: " + std::to_string(failed) + " notifications not stored");
}

// Parses a JSON body; a test failure (not a crash) when it is not JSON.
inline boost::json::value json_of(const http_response& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body.substr(0, 300);
  return v;
}

// The ids of a listing's records, in order.
inline std::vector<std::string> ids_of(const boost::json::value& v) {
  std::vector<std::string> out;
  if (!v.is_object() || !v.as_object().contains("records")) return out;
  for (const auto& r : v.at("records").as_array()) out.emplace_back(r.at("id").as_string());
  return out;
}

inline std::string with_param(const std::string& target, const std::string& param) {
  return target + (target.find('?') == std::string::npos ? "?" : "&") + param;
}

// The words of the subject (split on spaces), as generated.
inline std::vector<std::string> subject_words(const core::message& m) {
  std::vector<std::string> out;
  if (!m.subject) return out;
  std::string w;
  for (char c : *m.subject + " ") {
    if (c == ' ') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  return out;
}

inline bool subject_has(const core::message& m, const std::string& word) {
  for (const auto& w : subject_words(m))
    if (w == word) return true;
  return false;
}

inline bool subject_has_prefix(const core::message& m, const std::string& prefix) {
  for (const auto& w : subject_words(m))
    if (w.rfind(prefix, 0) == 0) return true;
  return false;
}

// A running_app whose database holds generated messages [0, count), with
// keep-alive clients on both listeners. Messages posted later through
// post_generated() continue the same sequence, newer than every earlier one.
class query_http_archive {
 public:
  using predicate = std::function<bool(const core::message&)>;

  explicit query_http_archive(std::size_t count, const std::function<void(config::config&)>& adjust = {},
                              dataset_options opts = query_dataset())
      : opts_(std::move(opts)),
        app_([&](config::config& c) {
          // Durability is not under test here; normal keeps posting fast.
          c.store.synchronous = config::synchronous_mode::normal;
          if (adjust) adjust(c);
          std::vector<std::string> envelopes;
          for (std::size_t i = 0; i < count; ++i) envelopes.push_back(envelope_for(generate(i)));
          seed_database(c.store.path, envelopes);
        }) {}

  running_app& app() { return app_; }
  const dataset_options& opts() const { return opts_; }
  // Every generated message stored so far, by index (creation order).
  const std::vector<core::message>& messages() const { return messages_; }

  // GET on the query listener (one keep-alive connection, reopened when the server closed it).
  http_response get(const std::string& target, const header_list& headers = {}) {
    return send(query_, app_.query_port(), "GET", target, {}, headers);
  }

  // POSTs one envelope to the webhook; returns the response.
  http_response post(const std::string& envelope) {
    return send(ingest_, app_.ingest_port(), "POST", "/webhook", envelope, {{"Content-Type", "application/json"}});
  }

  // Posts the next `count` generated messages through the webhook (each answered 200 stored).
  void post_generated(std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      const auto n = generate(messages_.size());
      auto r = post(envelope_for(n));
      ASSERT_EQ(r.status, 200u) << r.body;
      ASSERT_NE(r.body.find("\"stored\""), std::string::npos) << r.body;
    }
  }

  // The generated notification `index` (recording its message when it is the next one).
  core::notification generate(std::size_t index) {
    auto n = make_notification(opts_, index);
    if (index == messages_.size()) messages_.push_back(*n.msg);
    return n;
  }

  // Ids of the stored generated messages matching `pred`, newest first.
  std::vector<std::string> expected(const predicate& pred) const {
    std::vector<std::string> out;
    for (std::size_t i = messages_.size(); i-- > 0;)
      if (pred(messages_[i])) out.push_back(messages_[i].id);
    return out;
  }

  // Follows nextPageToken from `target` to the last page and returns every id
  // seen, in order; checks every page answers 200 and holds at most perPage records.
  std::vector<std::string> walk(const std::string& target, const header_list& headers = {}) {
    std::vector<std::string> ids;
    std::string next = target;
    for (int guard = 0; guard < 5000; ++guard) {
      auto r = get(next, headers);
      EXPECT_EQ(r.status, 200u) << next << ": " << r.body;
      if (r.status != 200) break;
      auto v = json_of(r);
      const auto page = ids_of(v);
      const auto per_page = v.at("paging").at("perPage").as_int64();
      EXPECT_LE(static_cast<std::int64_t>(page.size()), per_page);
      ids.insert(ids.end(), page.begin(), page.end());
      const auto& paging = v.at("paging").as_object();
      if (!paging.contains("nextPageToken")) break;
      next = with_param(target, "pageToken=" + std::string(paging.at("nextPageToken").as_string()));
    }
    return ids;
  }

 private:
  // One request on a kept-alive connection. A connection the server closed
  // while idle (after http.read_timeout) is reopened once, on a fresh socket.
  static http_response send(std::unique_ptr<http_client>& c, std::uint16_t port, std::string_view method,
                            std::string_view target, std::string_view body, const header_list& headers) {
    const bool reused = c != nullptr;
    if (!c) c = std::make_unique<http_client>(port);
    http_response r;
    try {
      r = c->request(method, target, body, headers);
    } catch (const std::runtime_error&) {
      c.reset();
      if (!reused) throw;
      c = std::make_unique<http_client>(port);
      r = c->request(method, target, body, headers);
    }
    if (!r.keep_alive) c.reset();
    return r;
  }

  dataset_options opts_;
  std::vector<core::message> messages_;
  running_app app_;
  std::unique_ptr<http_client> query_;
  std::unique_ptr<http_client> ingest_;
};

}  // namespace rcvault::test
