#pragma once
// How events.raw is kept on disk (0006_compressed_raw, docs/storage.md): the
// bytes as received (raw_dict NULL), or a zstd frame made with a dictionary
// of raw_dictionaries (raw_dict = its id; 0 = zstd without a dictionary).
// Every read of events.raw goes through decode(), every write through encode().

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::store::detail {

// What to write into events(raw, raw_dict) for one payload.
struct encoded_raw {
  std::string bytes;                 // the raw column
  std::optional<std::int64_t> dict;  // the raw_dict column; nullopt = NULL (stored as received)
};

// One connection's codec: it reads dictionaries from `db` when first needed
// and keeps them (a decoding dictionary per id, the encoding one of the
// newest). Not thread-safe: one per connection, used on its thread.
class raw_codec {
 public:
  // The zstd level of encode(): level 3 with a dictionary costs the writer
  // about as much as level 1 and is a few bytes smaller (docs/storage.md).
  static constexpr int level = 3;

  explicit raw_codec(SQLite::Database& db);
  ~raw_codec();
  raw_codec(const raw_codec&) = delete;
  raw_codec& operator=(const raw_codec&) = delete;

  // The column values that store `raw` with the newest dictionary this codec
  // has seen (refresh()); zstd without a dictionary (0) before any. A payload
  // the frame would not make smaller is stored as received (dict nullopt).
  encoded_raw encode(std::string_view raw);

  // The bytes as received of a row whose raw column is `stored` and raw_dict
  // `dict`. Throws std::runtime_error naming the dictionary when it is missing
  // or the frame is corrupt.
  std::string decode(std::string_view stored, std::optional<std::int64_t> dict);

  // decode() of a row's raw and raw_dict columns as a statement returns them.
  std::string decode(const SQLite::Column& stored, const SQLite::Column& dict);

  // Makes encode() use the newest dictionary of raw_dictionaries. The writer
  // calls it inside each write transaction, so that what it writes always
  // names a dictionary that the same transaction sees (compact never drops
  // the newest). Throws SQLite::Exception on a failed read.
  void refresh();

  // The dictionary encode() uses; nullopt while the database has none.
  std::optional<std::int64_t> dictionary() const { return newest_; }

 private:
  struct zstd_state;
  SQLite::Database& db_;
  std::unique_ptr<zstd_state> z_;
  std::optional<std::int64_t> newest_;
};

}  // namespace rcvault::store::detail
