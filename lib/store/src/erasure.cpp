// store::erase (docs/retention.md): tombstones first, then the matching
// messages (for a number: where it is a party, and those whose raw events
// write it anywhere), unnormalised events and dead letters in short transactions of
// their own on a secure_delete connection, then the full-text index merged
// in small steps and the WAL truncated.
#include "rcvault/store/erasure.hpp"

#include "connection.hpp"
#include "message_removal.hpp"
#include "message_rows.hpp"
#include "raw_codec.hpp"
#include "statement_guard.hpp"
#include "tombstones.hpp"
#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rcvault::store {

using detail::reset_guard;
namespace {

// Messages (or event rows, dead letters) per transaction: each stays well
// under 100 ms, so `serve`'s writer waits little for the lock.
constexpr std::int64_t erase_batch = 200;
// Event rows read per look for ones naming the number (outside any write transaction).
constexpr std::int64_t scan_chunk = 1000;
// Pages of full-text index merged per transaction, and the most merge steps.
constexpr int merge_pages = 64;
constexpr int merge_steps_max = 1'000'000;
constexpr std::size_t key_bytes = 32;
// The pause after each of erase's transactions. A writer waiting for the lock
// (serve's) sleeps in SQLite's busy handler and tries again at most 100 ms
// later; back-to-back transactions kept it out for the whole erasure (seen:
// no acknowledgement while erase ran). A longer gap lets it in each time.
constexpr std::chrono::milliseconds writer_gap{120};

// Thrown when the database lacks the erasure tables (migration 0008).
struct not_migrated {};

std::string blob_of(const SQLite::Column& c) {
  if (c.isNull()) return {};
  return std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

// `text` without the separators people write inside numbers, so that
// "(650) 555-0100" is found by its digits too.
std::string without_separators(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != ' ' && c != '(' && c != ')' && c != '-' && c != '.') out += c;
  return out;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Whether `key` (a number's digits) occurs in `text` as a number of its own:
// no digit right before or after it, so that "6505550100" is not found
// inside a message id such as "1724650555010012".
bool has_number(std::string_view text, std::string_view key) {
  for (auto at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
    const bool digit_before = at > 0 && is_digit(text[at - 1]);
    const bool digit_after = at + key.size() < text.size() && is_digit(text[at + key.size()]);
    if (!digit_before && !digit_after) return true;
  }
  return false;
}

class eraser {
 public:
  eraser(const options& o, const erase_request& r, const std::filesystem::path& dir)
      : opts_(o), r_(r), dir_(dir), db_(detail::open_connection(o, detail::role::existing)) {
    db_.exec("PRAGMA secure_delete=ON");
    if (db_.execAndGet("SELECT count(*) FROM sqlite_master WHERE name='erased_numbers'").getInt() == 0)
      throw not_migrated{};
    if (r_.phone_number) keys_ = core::phone_query_keys(*r_.phone_number);
    now_ = core::now_ms();
  }

  erase_counts run() {
    if (r_.dry_run) return count_only();
    write_tombstones();
    // One scan of the raw events, after the tombstones (the writer refuses
    // what they name from then on).
    const auto scan = scan_events();
    if (r_.phone_number) collect_number_messages(scan.messages);
    remove_messages();
    remove_events(scan.orphans);
    remove_dead_letters();
    // Also when nothing is left to remove: a run after one whose merge
    // stopped at its bound (under steady ingest) finishes it.
    merge_index();
    const auto cp = db_.execAndGet("PRAGMA wal_checkpoint(TRUNCATE)").getInt();
    counts_.wal_truncated = cp == 0;
    return counts_;
  }

 private:
  // The row ids of the messages the request names, as a subquery (its
  // parameters ?1.. bound by bind_ids). For a number: the ones
  // collect_number_messages() listed that are still stored.
  std::string ids_sql() const {
    if (r_.message_id) return "SELECT id FROM messages WHERE rc_id = ?1";
    if (r_.before) return "SELECT id FROM messages WHERE sort_key < ?1";
    return "SELECT id FROM messages WHERE id IN (SELECT id FROM temp.erase_ids)";
  }
  void bind_ids(SQLite::Statement& s) const {
    if (r_.message_id) s.bind(1, *r_.message_id);
    else if (r_.before) s.bind(1, static_cast<std::int64_t>(*r_.before * detail::keys_per_ms));
  }

  // Lists in temp.erase_ids the messages a number's erasure removes: those
  // where it is a party, and those whose raw events write it anywhere (in
  // the text, in a field rcvault does not read): a raw event is kept
  // byte-exact or not at all. Run after the tombstones, so the writer adds
  // no new message with the number as a party meanwhile.
  void collect_number_messages(const std::vector<std::int64_t>& mentioned) {
    db_.exec("CREATE TEMP TABLE IF NOT EXISTS erase_ids(id INTEGER PRIMARY KEY)");
    db_.exec("DELETE FROM temp.erase_ids");
    std::string in;
    for (std::size_t i = 0; i < keys_.size(); ++i) in += (i ? ",?" : "?") + std::to_string(i + 1);
    SQLite::Statement parties(db_, "INSERT OR IGNORE INTO temp.erase_ids(id) "
                                   "SELECT DISTINCT message_id FROM parties WHERE digits IN (" + in + ")");
    for (std::size_t i = 0; i < keys_.size(); ++i) parties.bind(static_cast<int>(i + 1), keys_[i]);
    parties.exec();
    SQLite::Statement add(db_, "INSERT OR IGNORE INTO temp.erase_ids(id) VALUES(?1)");
    for (const auto row : mentioned) {
      add.tryReset();
      add.bind(1, static_cast<std::int64_t>(row));
      add.exec();
    }
  }

  // Whether a raw payload or dead letter without a message names what is erased.
  bool names_it(std::string_view text, core::millis received_at) const {
    if (r_.before) return received_at < *r_.before;
    if (r_.message_id) return text.find("\"" + *r_.message_id + "\"") != std::string_view::npos;
    const auto plain = without_separators(text);
    for (const auto& k : keys_)
      if (has_number(text, k) || has_number(plain, k)) return true;
    return false;
  }

  std::int64_t count_of(const std::string& sql) {
    SQLite::Statement q(db_, sql);
    bind_ids(q);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
  }

  erase_counts count_only() {
    SQLite::Transaction read(db_, SQLite::TransactionBehavior::DEFERRED);
    const auto scan = scan_events();
    if (r_.phone_number) collect_number_messages(scan.messages);
    const auto ids = ids_sql();
    counts_.messages = count_of("SELECT count(*) FROM (" + ids + ")");
    counts_.events = count_of("SELECT count(*) FROM events WHERE message_id IN (" + ids + ")");
    counts_.parties = count_of("SELECT count(*) FROM parties WHERE message_id IN (" + ids + ")");
    counts_.attachments = count_of("SELECT count(*) FROM attachments WHERE message_id IN (" + ids + ")");
    counts_.attachment_files = count_of(
        "SELECT count(DISTINCT sha256) FROM attachment_archive WHERE state = 'stored' AND message_id IN (" + ids +
        ") AND sha256 NOT IN (SELECT sha256 FROM attachment_archive WHERE state = 'stored' AND sha256 IS NOT NULL "
        "AND message_id NOT IN (" + ids + "))");
    counts_.events += static_cast<std::int64_t>(scan.orphans.size());
    counts_.rejected = static_cast<std::int64_t>(matching_dead_letters().size());
    counts_.tombstones = r_.phone_number ? static_cast<std::int64_t>(keys_.size()) : 1;
    read.commit();
    return counts_;
  }

  // Leaves the write lock free for a while (writer_gap).
  static void let_writer_in() { std::this_thread::sleep_for(writer_gap); }

  void count(std::string name, std::int64_t delta) { deltas_[std::move(name)] += delta; }
  detail::count_fn counter() {
    return [this](std::string name, std::int64_t delta) { count(std::move(name), delta); };
  }
  void write_counters() {
    SQLite::Statement add(db_,
                          "INSERT INTO counters(name, value) VALUES(?1, ?2) "
                          "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value");
    for (const auto& [name, delta] : deltas_) {
      if (delta == 0) continue;
      add.tryReset();
      add.bind(1, name);
      add.bind(2, static_cast<std::int64_t>(delta));
      add.exec();
    }
    deltas_.clear();
  }

  // The first transaction: from its COMMIT on, the writer of any process
  // refuses what it names.
  void write_tombstones() {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (r_.phone_number) {
      std::string key;
      {
        SQLite::Statement k(db_, "SELECT key FROM erasure_key WHERE id=1");
        if (k.executeStep()) key = blob_of(k.getColumn(0));
      }
      if (key.empty()) {
        key.resize(key_bytes);
        if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
          throw std::runtime_error("no random bytes for the erasure key");
        SQLite::Statement ins(db_, "INSERT INTO erasure_key(id, key, created_at) VALUES(1, ?1, ?2)");
        ins.bind(1, key.data(), static_cast<int>(key.size()));
        ins.bind(2, static_cast<std::int64_t>(now_));
        ins.exec();
      }
      SQLite::Statement ins(db_, "INSERT OR IGNORE INTO erased_numbers(digits_hmac, erased_at) VALUES(?1, ?2)");
      for (const auto& k : keys_) {
        const auto h = detail::number_hash(key, k);
        ins.tryReset();
        ins.bind(1, h.data(), static_cast<int>(h.size()));
        ins.bind(2, static_cast<std::int64_t>(now_));
        counts_.tombstones += ins.exec();
      }
    } else if (r_.message_id) {
      SQLite::Statement ins(db_, "INSERT OR IGNORE INTO erased_messages(rc_id, erased_at) VALUES(?1, ?2)");
      ins.bind(1, *r_.message_id);
      ins.bind(2, static_cast<std::int64_t>(now_));
      counts_.tombstones += ins.exec();
    } else {
      SQLite::Statement ins(db_, "INSERT OR IGNORE INTO erased_ranges(created_before, erased_at) VALUES(?1, ?2)");
      ins.bind(1, static_cast<std::int64_t>(*r_.before));
      ins.bind(2, static_cast<std::int64_t>(now_));
      counts_.tombstones += ins.exec();
    }
    tx.commit();
    let_writer_in();
  }

  // Batches of erase_batch messages until none is left; each batch also
  // tombstones the ids of its messages (a later version without the number
  // in it must not bring one back).
  void remove_messages() {
    detail::message_removal removal(db_);
    SQLite::Statement next(db_, ids_sql() + " LIMIT " + std::to_string(erase_batch));
    SQLite::Statement bury(db_,
                           "INSERT OR IGNORE INTO erased_messages(rc_id, erased_at) "
                           "SELECT rc_id, ?2 FROM messages WHERE id = ?1");
    for (;;) {
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      std::vector<std::int64_t> rows;
      {
        reset_guard g{next};
        bind_ids(next);
        while (next.executeStep()) rows.push_back(next.getColumn(0).getInt64());
      }
      if (rows.empty()) return;
      for (auto row : rows) {
        reset_guard g{bury};
        bury.bind(1, static_cast<std::int64_t>(row));
        bury.bind(2, static_cast<std::int64_t>(now_));
        counts_.tombstones += bury.exec();
      }
      const auto gone = removal.remove_messages(rows, counter());
      count("erased.messages", gone.messages);
      count("erased.events", gone.events);
      write_counters();
      tx.commit();
      let_writer_in();
      counts_.messages += gone.messages;
      counts_.events += gone.events;
      counts_.parties += gone.parties;
      counts_.attachments += gone.attachments;
      counts_.attachment_files += detail::delete_unused_contents(db_, dir_, gone.contents);
    }
  }

  // What the raw events name: event rows without a message whose payload
  // names what is erased (`orphans`), and, for a number, the messages with
  // an event whose payload writes it (`messages`). Reads every event row,
  // decoded, in chunks, outside any write transaction.
  struct scanned {
    std::vector<std::int64_t> orphans;
    std::vector<std::int64_t> messages;
  };
  scanned scan_events() {
    scanned found;
    detail::raw_codec codec(db_);
    // Only events without a message can name a message id or a time alone;
    // a number is looked for in every event.
    SQLite::Statement q(db_, std::string("SELECT id, raw, raw_dict, received_at, message_id FROM events WHERE id > ?1") +
                                 (r_.phone_number ? "" : " AND message_id IS NULL") + " ORDER BY id LIMIT ?2");
    std::int64_t after = 0;
    for (;;) {
      reset_guard g{q};
      q.bind(1, static_cast<std::int64_t>(after));
      q.bind(2, static_cast<std::int64_t>(scan_chunk));
      std::int64_t rows = 0;
      while (q.executeStep()) {
        ++rows;
        after = q.getColumn(0).getInt64();
        const auto raw = codec.decode(q.getColumn(1), q.getColumn(2));
        if (!names_it(raw, q.getColumn(3).getInt64())) continue;
        if (q.getColumn(4).isNull()) found.orphans.push_back(after);
        else found.messages.push_back(q.getColumn(4).getInt64());
      }
      if (rows < scan_chunk) return found;
    }
  }

  std::vector<std::int64_t> matching_dead_letters() {
    std::vector<std::int64_t> found;
    SQLite::Statement q(db_, "SELECT id, head, received_at FROM rejected ORDER BY id");
    while (q.executeStep())
      if (names_it(blob_of(q.getColumn(1)), q.getColumn(2).getInt64())) found.push_back(q.getColumn(0).getInt64());
    return found;
  }

  // Removes the event rows `ids` (without a message) in batches.
  void remove_events(const std::vector<std::int64_t>& ids) {
    detail::message_removal removal(db_);
    for (std::size_t i = 0; i < ids.size(); i += erase_batch) {
      const auto end = std::min(ids.size(), i + static_cast<std::size_t>(erase_batch));
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      const auto n = removal.remove_events({ids.begin() + static_cast<std::ptrdiff_t>(i),
                                            ids.begin() + static_cast<std::ptrdiff_t>(end)},
                                           counter());
      count("erased.events", n);
      write_counters();
      tx.commit();
      let_writer_in();
      counts_.events += n;
    }
  }

  void remove_dead_letters() {
    const auto ids = matching_dead_letters();
    SQLite::Statement del(db_, "DELETE FROM rejected WHERE id = ?1");
    for (std::size_t i = 0; i < ids.size(); i += erase_batch) {
      const auto end = std::min(ids.size(), i + static_cast<std::size_t>(erase_batch));
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      std::int64_t n = 0;
      for (auto j = i; j < end; ++j) {
        del.tryReset();
        del.bind(1, static_cast<std::int64_t>(ids[j]));
        n += del.exec();
      }
      count("erased.rejected", n);
      write_counters();
      tx.commit();
      let_writer_in();
      counts_.rejected += n;
    }
  }

  // FTS5 keeps a deleted entry's tokens in its older segments until they
  // are merged with the delete marker: a merge of every segment (negative
  // N), merge_pages at a time, each in a short transaction, until a step
  // writes nothing (FTS5's documented end test: fewer than 2 changes).
  void merge_index() {
    SQLite::Statement merge(db_, "INSERT INTO messages_fts(messages_fts, rank) VALUES('merge', ?1)");
    // While serve keeps adding entries the merge never runs out of work:
    // twice the index's size at the start bounds it.
    const auto pages = db_.execAndGet("SELECT count(*) FROM messages_fts_data").getInt64();
    const auto steps_max = std::min<std::int64_t>(merge_steps_max, 2 * pages / merge_pages + 16);
    for (std::int64_t step = 0; step < steps_max; ++step) {
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      const int before = db_.getTotalChanges();
      merge.tryReset();
      merge.bind(1, -merge_pages);
      merge.exec();
      const int changes = db_.getTotalChanges() - before;
      tx.commit();
      let_writer_in();
      if (changes < 2) {
        counts_.index_merged = true;
        return;
      }
    }
  }

  const options& opts_;
  const erase_request& r_;
  std::filesystem::path dir_;
  SQLite::Database db_;
  std::vector<std::string> keys_;
  core::millis now_ = 0;
  erase_counts counts_;
  std::map<std::string, std::int64_t> deltas_;
};

}  // namespace

core::result<erase_counts> erase(const options& opts, const erase_request& r,
                                 const std::filesystem::path& attachments_dir) {
  const int named = (r.phone_number ? 1 : 0) + (r.message_id ? 1 : 0) + (r.before ? 1 : 0);
  if (named != 1)
    return core::make_error(core::errc::bad_parameter,
                            "erase needs exactly one of --phone-number, --message-id, --before");
  if (r.phone_number && core::phone_digits(*r.phone_number).empty())
    return core::make_error(core::errc::bad_parameter, "--phone-number '" + *r.phone_number + "' has no digits");
  if (r.message_id && r.message_id->empty())
    return core::make_error(core::errc::bad_parameter, "--message-id is empty");
  if (!std::filesystem::exists(opts.path))
    return core::make_error(core::errc::config, "database " + opts.path.string() + ": no such file");
  try {
    eraser e(opts, r, attachments_dir);
    return e.run();
  } catch (const not_migrated&) {
    return core::make_error(core::errc::migration,
                            "database " + opts.path.string() + " has no erasure tables: run rcvault migrate");
  } catch (const std::exception& e) {
    return core::make_error(core::errc::unavailable, "database " + opts.path.string() + ": " + e.what());
  }
}

}  // namespace rcvault::store
