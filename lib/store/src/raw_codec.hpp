#pragma once
// How events.raw is kept on disk (0006_compressed_raw, docs/storage.md): the
// bytes as received (raw_dict NULL), or a zstd frame made with a dictionary
// of raw_dictionaries (raw_dict = its id; 0 = zstd without a dictionary).
// Every read of events.raw goes through decode(), every write through encode().

#include <SQLiteCpp/Database.h>

#include <cstdint>
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
// and keeps them. Not thread-safe: one per connection, used on its thread.
class raw_codec {
 public:
  explicit raw_codec(SQLite::Database& db);
  ~raw_codec();
  raw_codec(const raw_codec&) = delete;
  raw_codec& operator=(const raw_codec&) = delete;

  // The column values that store `raw` with the newest dictionary.
  encoded_raw encode(std::string_view raw);

  // The bytes as received of a row whose raw column is `stored` and raw_dict
  // `dict`. Throws std::runtime_error naming the dictionary when it is missing
  // or the frame is corrupt.
  std::string decode(std::string_view stored, std::optional<std::int64_t> dict);

 private:
  SQLite::Database& db_;
};

}  // namespace rcvault::store::detail
