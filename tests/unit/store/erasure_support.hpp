#pragma once
// Helpers of the retention and erasure tests: messages whose raw payload
// carries their numbers and text (as RingCentral's do), stored attachment
// contents, and a recount of what the counters claim.

#include "store_test_support.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/store/attachment_archive.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace rcvault::test {

inline core::millis wall_now() { return core::now_ms(); }

// An SMS from `from` to `to` created at `created`, with `text`.
inline core::message sms(const std::string& id, const std::string& from, const std::string& to, core::millis created,
                         const std::string& text, const std::string& direction = "Inbound") {
  core::message m;
  m.id = id;
  m.type = "SMS";
  m.direction = direction;
  m.subject = text;
  m.read_status = "Unread";
  m.message_status = "Received";
  m.availability = "Alive";
  m.conversation_id = "c-" + id;
  m.owner_id = "11";
  m.creation_time = created;
  m.last_modified_time = created;
  core::party f;
  f.phone_number = from;
  m.from = f;
  core::party t;
  t.phone_number = to;
  m.to = std::vector<core::party>{t};
  return m;
}

// A notification of `m` whose raw bytes hold its numbers and text.
inline core::notification raw_notification(const std::string& uuid, const core::message& m) {
  core::notification n;
  n.uuid = uuid;
  n.event = "/restapi/v1.0/account/~/extension/11/message-store/instant?type=SMS";
  n.kind = core::event_kind::instant_message;
  n.subscription_id = "sub-1";
  n.owner_id = "11";
  n.timestamp = m.last_modified_time.value_or(0);
  std::string to;
  if (m.to && !m.to->empty()) to = (*m.to)[0].phone_number.value_or("");
  n.raw = "{\"uuid\":\"" + uuid + "\",\"body\":{\"id\":\"" + m.id + "\",\"from\":{\"phoneNumber\":\"" +
          (m.from ? m.from->phone_number.value_or("") : "") + "\"},\"to\":[{\"phoneNumber\":\"" + to +
          "\"}],\"subject\":\"" + m.subject.value_or("") + "\"}}";
  n.msg = m;
  return n;
}

// Records `content` as the stored content of attachment `att` of message
// row `row` (the fetcher's result) and writes its file under `dir`.
inline void store_content(store::writer& w, const std::filesystem::path& dir, std::int64_t row, const std::string& att,
                          const std::string& sha, const std::string& content) {
  const auto path = store::content_path(dir, sha);
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  store::attachment_result r;
  r.message_row = row;
  r.attachment_id = att;
  r.state = store::archive_state::stored;
  r.sha256 = sha;
  r.bytes = static_cast<std::int64_t>(content.size());
  r.stored_type = "image/png";
  std::promise<bool> p;
  auto f = p.get_future();
  w.submit_attachment_result(r, [&p](bool ok) { p.set_value(ok); });
  ASSERT_TRUE(f.get());
}

// Every counter of what is stored now agrees with a count of the rows.
inline void expect_counters_match_rows(const store::options& o) {
  EXPECT_EQ(counter(o, "messages.total"), query_int(o, "SELECT count(*) FROM messages"));
  EXPECT_EQ(counter(o, "events.total"), query_int(o, "SELECT count(*) FROM events"));
  for (const char* outcome : {"applied", "stale", "unnormalised"})
    EXPECT_EQ(counter(o, std::string("events.") + outcome),
              query_int(o, std::string("SELECT count(*) FROM events WHERE outcome='") + outcome + "'"))
        << outcome;
  for (const char* type : {"SMS", "Fax", "VoiceMail"})
    EXPECT_EQ(counter(o, std::string("messages.type.") + type),
              query_int(o, std::string("SELECT count(*) FROM messages WHERE type='") + type + "'"))
        << type;
  for (const char* dir : {"Inbound", "Outbound"})
    EXPECT_EQ(counter(o, std::string("messages.direction.") + dir),
              query_int(o, std::string("SELECT count(*) FROM messages WHERE direction='") + dir + "'"))
        << dir;
  for (const char* state : {"pending", "stored", "skipped"})
    EXPECT_EQ(counter(o, std::string("attachments.") + state),
              query_int(o, std::string("SELECT count(*) FROM attachment_archive WHERE state='") + state + "'"))
        << state;
}

// The bytes of the database file and its WAL.
inline std::string database_bytes(const store::options& o) {
  std::string all;
  for (const auto& p : {o.path, std::filesystem::path(o.path.string() + "-wal")}) {
    std::ifstream in(p, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

// Every column of every row a query returns, as one text (for byte-exact comparisons).
inline std::string rows_text(const store::options& o, const std::string& sql) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY, read_busy_timeout_ms);
  SQLite::Statement q(db, sql);
  std::string out;
  while (q.executeStep()) {
    for (int i = 0; i < q.getColumnCount(); ++i) {
      const auto c = q.getColumn(i);
      out += c.isNull() ? "NULL" : std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
      out += '|';
    }
    out += '\n';
  }
  return out;
}

}  // namespace rcvault::test
