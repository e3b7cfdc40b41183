#pragma once
// Helpers for the store tests: options on a temp dir, hand-built
// notifications, a renormaliser fake that remembers what each raw body means,
// and a synchronous submit.

#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"
#include "temp_dir.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace rcvault::test {

// Options for a database file inside `dir`, migrated.
inline store::options migrated_options(const temp_dir& dir, store::synchronous sync = store::synchronous::normal) {
  store::options o;
  o.path = dir / "db" / "rcvault.db";
  o.sync = sync;
  auto r = store::migrate(o);
  if (!r) throw std::runtime_error(r.error().message);
  return o;
}

// Maps raw bodies to the message they stand for, like ingest::renormalise would.
class fake_bodies {
 public:
  // Registers `m` under a unique raw text and returns the text.
  std::string add(const std::string& uuid, const core::message& m) {
    std::lock_guard lk(mu_);
    std::string raw = "{\"uuid\":\"" + uuid + "\",\"body\":{\"id\":\"" + m.id + "\"}}";
    bodies_[raw] = m;
    return raw;
  }
  store::renormaliser renormaliser() {
    return [this](core::event_kind, std::string_view raw) -> std::optional<core::message> {
      std::lock_guard lk(mu_);
      auto it = bodies_.find(std::string(raw));
      if (it == bodies_.end()) return std::nullopt;
      return it->second;
    };
  }

 private:
  std::mutex mu_;
  std::map<std::string, core::message> bodies_;
};

// A notification of an instant message carrying `m`.
inline core::notification message_notification(fake_bodies& bodies, const std::string& uuid, core::millis sent,
                                               const core::message& m) {
  core::notification n;
  n.uuid = uuid;
  n.event = "/restapi/v1.0/account/~/extension/11/message-store/instant?type=SMS";
  n.kind = core::event_kind::instant_message;
  n.subscription_id = "sub-1";
  n.owner_id = "11";
  n.timestamp = sent;
  n.raw = bodies.add(uuid, m);
  n.msg = m;
  return n;
}

// Submits and waits for the outcome.
inline store::write_result submit_and_wait(store::writer& w, core::notification n) {
  auto p = std::make_shared<std::promise<store::write_result>>();
  auto f = p->get_future();
  w.submit(std::move(n), [p](const store::write_result& r) { p->set_value(r); });
  return f.get();
}

// One integer from a query on a plain connection.
// Read-only connections wait for a writer's lock (a migration, a checkpoint)
// instead of failing at once with "database is locked".
constexpr int read_busy_timeout_ms = 10'000;

inline std::int64_t query_int(const store::options& o, const std::string& sql) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY, read_busy_timeout_ms);
  return db.execAndGet(sql).getInt64();
}

// One text value from a query on a plain read-only connection.
inline std::string query_string(const store::options& o, const std::string& sql) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY, read_busy_timeout_ms);
  return db.execAndGet(sql).getString();
}

// How many messages the full-text index finds for `word`.
inline std::int64_t fts_matches(const store::options& o, const std::string& word) {
  return query_int(o, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '" + word + "'");
}

// Runs FTS5's integrity-check of messages_fts against the rows it indexes
// (rank 1: also compares with the external content, messages.subject; rank 0
// checks only the index's own structure and misses a stale entry). Returns ""
// when the index and the rows agree, else SQLite's complaint ("database disk
// image is malformed"). Needs a read-write connection, so no writer may run.
inline std::string fts_index_disagreement(const store::options& o) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READWRITE);
  try {
    db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)");
  } catch (const SQLite::Exception& e) {
    return std::string("full-text index disagrees with messages: ") + e.what();
  }
  return "";
}

// The value of a counter, 0 when absent.
inline std::int64_t counter(const store::options& o, const std::string& name) {
  SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY, read_busy_timeout_ms);
  SQLite::Statement q(db, "SELECT value FROM counters WHERE name=?");
  q.bind(1, name);
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

}  // namespace rcvault::test
