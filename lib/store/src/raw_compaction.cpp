// rcvault compact: a new dictionary version and every row re-encoded with
// the newest one (docs/storage.md, "Compact").
#include "rcvault/store/raw_compaction.hpp"

#include "connection.hpp"
#include "raw_codec.hpp"
#include "raw_dictionary.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace rcvault::store {
namespace {

std::optional<std::int64_t> optional_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

std::string_view blob_of(const SQLite::Column& c) {
  return {static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes())};
}

// Up to `wanted` payloads spread evenly over the ids of events, decoded.
std::vector<std::string> sample_payloads(SQLite::Database& db, detail::raw_codec& codec, std::size_t wanted) {
  SQLite::Statement bounds(db, "SELECT min(id), max(id) FROM events");
  if (!bounds.executeStep() || bounds.getColumn(0).isNull()) return {};
  const auto lo = bounds.getColumn(0).getInt64();
  const auto hi = bounds.getColumn(1).getInt64();
  const auto span = hi - lo + 1;
  const auto step = std::max<std::int64_t>(1, span / static_cast<std::int64_t>(std::max<std::size_t>(wanted, 1)));
  SQLite::Statement next(db, "SELECT id, raw, raw_dict FROM events WHERE id >= ?1 ORDER BY id LIMIT 1");
  std::vector<std::string> out;
  for (std::int64_t at = lo; at <= hi && out.size() < wanted; at += step) {
    next.tryReset();
    next.bind(1, at);
    if (!next.executeStep()) break;
    const auto id = next.getColumn(0).getInt64();
    out.push_back(codec.decode(next.getColumn(1), next.getColumn(2)));
    if (id > at) at = id;  // a gap: go on after the row found
  }
  return out;
}

// Re-encodes rows with ids after `after` not stored with the newest
// dictionary, at most `limit` of them, in one IMMEDIATE transaction. Returns
// the last id examined, nullopt when none was left.
std::optional<std::int64_t> reencode_batch(SQLite::Database& db, detail::raw_codec& codec, std::int64_t after,
                                           std::size_t limit, compact_report& rep) {
  SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
  codec.refresh();
  const std::int64_t target = codec.dictionary().value_or(0);
  rep.dictionary = codec.dictionary();
  SQLite::Statement rows(db,
                         "SELECT id, raw, raw_dict FROM events WHERE id > ?1 AND (raw_dict IS NULL OR raw_dict <> ?2) "
                         "ORDER BY id LIMIT ?3");
  rows.bind(1, after);
  rows.bind(2, target);
  rows.bind(3, static_cast<std::int64_t>(limit));
  SQLite::Statement update(db, "UPDATE events SET raw = ?1, raw_dict = ?2 WHERE id = ?3");
  std::optional<std::int64_t> last;
  while (rows.executeStep()) {
    const auto id = rows.getColumn(0).getInt64();
    last = id;
    const auto stored = blob_of(rows.getColumn(1));
    const auto dict = optional_int(rows.getColumn(2));
    std::string plain;
    try {
      plain = codec.decode(stored, dict);
    } catch (const std::exception& e) {
      throw std::runtime_error("events row " + std::to_string(id) + ": " + e.what());
    }
    auto enc = codec.encode(plain);
    if (!enc.dict && !dict) continue;  // stays as received: zstd does not make it smaller
    rep.rows += 1;
    rep.bytes_before += static_cast<std::int64_t>(stored.size());
    rep.bytes_after += static_cast<std::int64_t>(enc.bytes.size());
    update.tryReset();
    update.bind(1, enc.bytes.data(), static_cast<int>(enc.bytes.size()));
    if (enc.dict) update.bind(2, *enc.dict); else update.bind(2);
    update.bind(3, id);
    update.exec();
  }
  rows.reset();
  txn.commit();
  return last;
}

// Deletes the dictionary versions that are not the newest and that no row uses.
std::int64_t drop_unused(SQLite::Database& db) {
  std::set<std::int64_t> used;
  {
    SQLite::Statement s(db, "SELECT DISTINCT raw_dict FROM events WHERE raw_dict > 0");
    while (s.executeStep()) used.insert(s.getColumn(0).getInt64());
  }
  SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
  std::vector<std::int64_t> unused;
  {
    SQLite::Statement s(db, "SELECT id FROM raw_dictionaries WHERE id < (SELECT max(id) FROM raw_dictionaries)");
    while (s.executeStep())
      if (!used.count(s.getColumn(0).getInt64())) unused.push_back(s.getColumn(0).getInt64());
  }
  // Rows written since the scan use the newest only (the writer's refresh()
  // runs inside its transaction, which this one excludes).
  SQLite::Statement del(db, "DELETE FROM raw_dictionaries WHERE id = ?1");
  for (const auto id : unused) {
    del.tryReset();
    del.bind(1, id);
    del.exec();
  }
  txn.commit();
  return static_cast<std::int64_t>(unused.size());
}

}  // namespace

core::result<compact_report> compact_raw(const options& opts, const compact_request& r) {
  std::error_code ec;
  if (!std::filesystem::exists(opts.path, ec))
    return core::make_error(core::errc::usage, "database " + opts.path.string() + ": no such file");
  compact_report rep;
  try {
    auto db = detail::open_connection(opts, detail::role::existing);
    detail::raw_codec codec(db);
    codec.refresh();
    if (!codec.dictionary() || r.retrain) {
      auto samples = sample_payloads(db, codec, r.samples);
      if (auto d = detail::train_raw_dictionary(samples)) {
        SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
        rep.trained = detail::insert_raw_dictionary(db, *d);
        txn.commit();
      }
    }
    std::int64_t after = 0;
    while (auto last = reencode_batch(db, codec, after, std::max<std::size_t>(r.batch_rows, 1), rep)) after = *last;
    rep.dropped = drop_unused(db);
    return rep;
  } catch (const std::exception& e) {
    return core::make_error(core::errc::unavailable, "database " + opts.path.string() + ": " + e.what());
  }
}

}  // namespace rcvault::store
