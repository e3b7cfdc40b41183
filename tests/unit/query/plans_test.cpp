// The query plans of migration 0007 (issue 19) answer what the plain plans
// answer: the partial indexes of rare enum values, the conversations table
// kept by triggers, the merged walk of a number and words. Each listing is
// compared, page by page, with a brute-force filter of the generated
// messages, also after updates and plain deletes of messages.

#include "query_fixture.hpp"

#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <ostream>

namespace rcvault::test {
namespace {

constexpr std::size_t archive_size = 3000;

// A busy number in few enough messages that a common word is not rare
// against it, so the merged walk answers number + word.
dataset_options plan_archive() {
  dataset_options o;
  o.customers = 300;
  o.busy_every = 150;
  return o;
}

// The state of the archive as the test changed it: message index -> message
// (absent once deleted).
using model = std::map<std::size_t, core::message>;

model generated(std::size_t n) {
  model m;
  for (std::size_t i = 0; i < n; ++i) m[i] = *make_notification(plan_archive(), i).msg;
  return m;
}

// The ids of the messages of `m` matching `pred`, in creation-time order
// (newest first unless `asc`).
std::vector<std::string> expected(const model& m, const std::function<bool(const core::message&)>& pred,
                                  bool asc = false) {
  std::vector<std::pair<core::millis, std::string>> hits;
  for (const auto& [i, msg] : m)
    if (pred(msg)) hits.emplace_back(*msg.creation_time, msg.id);
  std::sort(hits.begin(), hits.end());
  if (!asc) std::reverse(hits.begin(), hits.end());
  std::vector<std::string> out;
  for (auto& h : hits) out.push_back(h.second);
  return out;
}

// Follows nextPageToken to the end and returns every record id seen.
std::vector<std::string> all_pages(query_archive& a, const std::string& target) {
  std::vector<std::string> ids;
  std::string next = target;
  for (int guard = 0; guard < 10000; ++guard) {
    auto r = a.get(next);
    EXPECT_EQ(r.status, 200u) << next << ": " << r.body;
    if (r.status != 200) break;
    auto v = r.json();
    for (auto& id : record_ids(v)) ids.push_back(id);
    const auto& paging = v.at("paging").as_object();
    if (!paging.contains("nextPageToken")) break;
    next = target + "&pageToken=" + std::string(paging.at("nextPageToken").as_string());
  }
  return ids;
}

bool subject_has(const core::message& m, std::string_view word) {
  if (!m.subject) return false;
  const std::string s = " " + *m.subject + " ";
  return s.find(" " + std::string(word) + " ") != std::string::npos;
}

struct enum_case {
  std::string params;
  std::function<bool(const core::message&)> pred;
};

// Rare values (their partial index drives), common ones (the time walk) and
// combinations, each listed in pages of 7 in both orders.
std::vector<enum_case> enum_cases() {
  return {
      {"messageStatus=DeliveryFailed", [](const core::message& m) { return m.message_status == "DeliveryFailed"; }},
      {"messageStatus=SendingFailed", [](const core::message& m) { return m.message_status == "SendingFailed"; }},
      {"messageStatus=Delivered", [](const core::message& m) { return m.message_status == "Delivered"; }},
      {"availability=Deleted", [](const core::message& m) { return m.availability == "Deleted"; }},
      {"availability=Alive&messageType=Pager",
       [](const core::message& m) { return m.availability == "Alive" && m.type == "Pager"; }},
      {"messageType=Fax&readStatus=Unread&availability=Deleted",
       [](const core::message& m) { return m.type == "Fax" && m.read_status == "Unread" && m.availability == "Deleted"; }},
      {"messageType=VoiceMail&readStatus=Unread",
       [](const core::message& m) { return m.type == "VoiceMail" && m.read_status == "Unread"; }},
      {"messageStatus=DeliveryFailed&availability=Alive&direction=Outbound",
       [](const core::message& m) {
         return m.message_status == "DeliveryFailed" && m.availability == "Alive" && m.direction == "Outbound";
       }},
      {"messageType=SMS&readStatus=Unread", [](const core::message& m) { return m.type == "SMS" && m.read_status == "Unread"; }},
  };
}

void expect_enum_listings(query_archive& a, const model& m) {
  for (const auto& c : enum_cases()) {
    const auto want = expected(m, c.pred);
    EXPECT_EQ(all_pages(a, "/v1/messages?perPage=7&" + c.params), want) << c.params;
    EXPECT_EQ(all_pages(a, "/v1/messages?perPage=7&order=asc&" + c.params), expected(m, c.pred, true)) << c.params;
  }
}

TEST(QueryPlans, RareEnumValuesListLikeTheTimeWalkInBothOrders) {
  query_archive a(archive_size, plan_archive());
  const auto m = generated(archive_size);
  ASSERT_FALSE(expected(m, [](const core::message& x) { return x.message_status == "DeliveryFailed"; }).empty());
  expect_enum_listings(a, m);
  // Within a date window (a sort-key range of the partial index).
  const core::millis from = *m.at(700).creation_time;
  const core::millis to = *m.at(2100).creation_time;
  const auto window = "&dateFrom=" + core::format_iso8601(from) + "&dateTo=" + core::format_iso8601(to);
  const auto in_window = [&](const core::message& x) { return *x.creation_time >= from && *x.creation_time < to; };
  EXPECT_EQ(all_pages(a, "/v1/messages?perPage=5&availability=Deleted" + window),
            expected(m, [&](const core::message& x) { return x.availability == "Deleted" && in_window(x); }));
}

TEST(QueryPlans, StatusChangesMoveMessagesInAndOutOfTheRareIndex) {
  query_archive a(archive_size, plan_archive());
  auto m = generated(archive_size);
  // Failed deliveries that later succeed, and delivered ones that fail or
  // get deleted: newer versions of the same messages.
  std::vector<core::notification> updates;
  std::size_t to_common = 0, to_rare = 0;
  for (std::size_t i = 0; i < archive_size; ++i) {
    auto& msg = m[i];
    std::optional<std::string> status, availability;
    if (msg.message_status == "DeliveryFailed" && to_common++ % 2 == 0) status = "Delivered";
    else if (msg.message_status == "Delivered" && i % 41 == 0 && ++to_rare) status = "SendingFailed";
    else if (msg.availability == "Deleted" && i % 3 == 0) availability = "Alive";
    else if (msg.availability == "Alive" && i % 53 == 0) availability = "Purged";
    if (!status && !availability) continue;
    auto n = make_notification(plan_archive(), i);
    n.uuid += "-update";
    if (status) n.msg->message_status = msg.message_status = status;
    if (availability) n.msg->availability = msg.availability = availability;
    n.msg->last_modified_time = *n.msg->last_modified_time + 60'000;
    updates.push_back(std::move(n));
  }
  ASSERT_GT(to_common, 2u);
  ASSERT_GT(to_rare, 2u);
  a.add(std::move(updates));
  expect_enum_listings(a, m);
  EXPECT_EQ(all_pages(a, "/v1/messages?perPage=7&availability=Purged"),
            expected(m, [](const core::message& x) { return x.availability == "Purged"; }));
}

// The conversation list as a client pages through it: (conversation id,
// message count, last message id), most recent first.
struct conv_row {
  std::string id;
  std::int64_t count;
  std::string last;
  bool operator==(const conv_row&) const = default;
};
std::ostream& operator<<(std::ostream& os, const conv_row& c) {
  return os << c.id << "/" << c.count << "/" << c.last;
}

std::vector<conv_row> conversation_pages(query_archive& a) {
  std::vector<conv_row> out;
  std::string target = "/v1/conversations?perPage=9";
  for (int guard = 0; guard < 10000; ++guard) {
    auto r = a.get(target);
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200) break;
    auto v = r.json();
    for (const auto& c : v.at("records").as_array())
      out.push_back({std::string(c.at("conversationId").as_string()), c.at("messageCount").as_int64(),
                     std::string(c.at("lastMessage").at("id").as_string())});
    if (!v.at("paging").as_object().contains("nextPageToken")) break;
    target = "/v1/conversations?perPage=9&pageToken=" + std::string(v.at("paging").at("nextPageToken").as_string());
  }
  return out;
}

std::vector<conv_row> expected_conversations(const model& m) {
  std::map<std::string, std::pair<std::int64_t, const core::message*>> by_conv;
  for (const auto& [i, msg] : m) {
    if (!msg.conversation_id) continue;
    auto& [count, last] = by_conv[*msg.conversation_id];
    ++count;
    if (!last || *msg.creation_time > *last->creation_time) last = &msg;
  }
  std::vector<std::pair<core::millis, conv_row>> rows;
  for (const auto& [id, v] : by_conv) rows.push_back({*v.second->creation_time, {id, v.first, v.second->id}});
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<conv_row> out;
  for (auto& r : rows) out.push_back(r.second);
  return out;
}

// Deletes messages the way retention and erasure do: their events, then the
// message row itself (parties and attachments follow by ON DELETE CASCADE),
// on a connection of its own, knowing nothing of the conversations table.
void plain_delete(const query_archive& a, const std::vector<std::string>& rc_ids) {
  SQLite::Database db(a.store_opts().path.string(), SQLite::OPEN_READWRITE);
  db.setBusyTimeout(10'000);
  db.exec("PRAGMA foreign_keys = ON");
  SQLite::Statement events(db, "DELETE FROM events WHERE message_id = (SELECT id FROM messages WHERE rc_id = ?)");
  SQLite::Statement message(db, "DELETE FROM messages WHERE id = (SELECT id FROM messages WHERE rc_id = ?)");
  for (const auto& id : rc_ids) {
    for (auto* s : {&events, &message}) {
      s->reset();
      s->bind(1, id);
      s->exec();
    }
  }
}

TEST(QueryPlans, ConversationListFollowsInsertsUpdatesAndPlainDeletes) {
  query_archive a(archive_size, plan_archive());
  auto m = generated(archive_size);
  ASSERT_EQ(conversation_pages(a), expected_conversations(m));

  // Newer versions that move a message to another conversation or change
  // its creation time (its sort key), newest messages of their conversations
  // among them.
  std::vector<core::notification> updates;
  for (std::size_t i : {2999u, 2990u, 2500u, 1200u, 17u}) {
    auto n = make_notification(plan_archive(), i);
    if (!n.msg->conversation_id) continue;
    n.uuid += "-update";
    if (i % 2 == 0) n.msg->conversation_id = "4242424242";
    else n.msg->creation_time = *n.msg->creation_time - 3'000'000'000;  // about a month older
    n.msg->last_modified_time = *n.msg->last_modified_time + 60'000;
    m[i] = *n.msg;
    updates.push_back(std::move(n));
  }
  ASSERT_GE(updates.size(), 3u);
  a.add(std::move(updates));
  EXPECT_EQ(conversation_pages(a), expected_conversations(m));

  // Plain deletes: the newest message of some conversations, every message
  // of another, and messages scattered over the archive.
  std::vector<std::string> gone;
  const auto before = expected_conversations(m);
  for (std::size_t k = 0; k < 6; ++k) {
    const auto& last = before[k * 5].last;
    for (auto it = m.begin(); it != m.end(); ++it)
      if (it->second.id == last) {
        gone.push_back(last);
        m.erase(it);
        break;
      }
  }
  const std::string whole = before[40].id;
  for (auto it = m.begin(); it != m.end();) {
    if (it->second.conversation_id == whole || it->first % 37 == 0) {
      gone.push_back(it->second.id);
      it = m.erase(it);
    } else {
      ++it;
    }
  }
  plain_delete(a, gone);
  const auto after = conversation_pages(a);
  EXPECT_EQ(after, expected_conversations(m));
  EXPECT_TRUE(std::none_of(after.begin(), after.end(), [&](const conv_row& c) { return c.id == whole; }));
  expect_enum_listings(a, m);

  // New messages after the deletes join their conversations again.
  auto more = make_dataset(plan_archive(), 40, archive_size);
  for (std::size_t i = 0; i < more.size(); ++i) m[archive_size + i] = *more[i].msg;
  a.add(std::move(more));
  EXPECT_EQ(conversation_pages(a), expected_conversations(m));
}

TEST(QueryPlans, NumberAndWordsListLikeTheProbePlan) {
  // Larger, so that each number has a few pages of matches.
  constexpr std::size_t size = 4 * archive_size;
  query_archive a(archive_size, plan_archive());
  for (std::size_t n = archive_size; n < size; n += archive_size) a.add_newer(archive_size);  // the writer's queue
  const auto m = generated(size);
  // The busy number and customers of several sizes, in every input style,
  // with words of every frequency; both orders, pages of 4, date windows.
  std::vector<std::string> numbers{busy_number};
  for (std::size_t k : {3u, 150u, 299u}) numbers.push_back(customer_number(k));
  const std::vector<std::string> words{"invoice", "the", "zeppelin", "invoice the", "inv*"};
  const core::millis from = *m.at(1600).creation_time;
  const core::millis to = *m.at(10400).creation_time;
  std::size_t hits = 0;
  for (const auto& number : numbers) {
    const std::string digits = core::phone_digits(number);
    const std::string styles[] = {number, digits, "(" + digits.substr(1, 3) + ") " + digits.substr(4, 3) + "-" +
                                                      digits.substr(7)};
    for (const auto& word : words) {
      auto pred = [&](const core::message& x) {
        if (!has_digits(x, digits) || !x.subject) return false;
        if (word == "inv*") return x.subject->find("invoice") != std::string::npos;
        if (word == "invoice the") return subject_has(x, "invoice") && subject_has(x, "the");
        return subject_has(x, word);
      };
      std::string q = word;
      for (auto& c : q)
        if (c == ' ') c = '+';
      for (std::size_t s = 0; s < 3; ++s) {
        std::string num;
        for (unsigned char c : styles[s]) {
          if (std::isalnum(c)) {
            num += static_cast<char>(c);
          } else {
            num += '%';
            num += "0123456789ABCDEF"[c >> 4];
            num += "0123456789ABCDEF"[c & 15];
          }
        }
        const std::string base = "/v1/messages?perPage=4&phoneNumber=" + num + "&q=" + q;
        const auto want = expected(m, pred);
        hits += want.size();
        EXPECT_EQ(all_pages(a, base), want) << base;
        if (s != 0) continue;
        EXPECT_EQ(all_pages(a, base + "&order=asc"), expected(m, pred, true)) << base;
        EXPECT_EQ(all_pages(a, base + "&messageType=SMS&readStatus=Unread"), expected(m, [&](const core::message& x) {
                    return pred(x) && x.type == "SMS" && x.read_status == "Unread";
                  })) << base;
        const auto window = "&dateFrom=" + core::format_iso8601(from) + "&dateTo=" + core::format_iso8601(to);
        EXPECT_EQ(all_pages(a, base + window), expected(m, [&](const core::message& x) {
                    return pred(x) && *x.creation_time >= from && *x.creation_time < to;
                  })) << base << window;
      }
    }
  }
  EXPECT_GT(hits, 200u);  // 228: not a vacuous comparison
}

}  // namespace
}  // namespace rcvault::test
