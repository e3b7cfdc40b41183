#pragma once
// Training zstd dictionaries for events.raw and writing them into
// raw_dictionaries (docs/storage.md, "Dictionaries").

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::store::detail {

// The size of a trained dictionary: 16 KiB held RingCentral payloads to
// ~130 bytes where 64 KiB gave 125 (docs/storage.md).
inline constexpr std::size_t raw_dictionary_bytes = 16 * 1024;

// A dictionary trained from `samples` payloads, or nullopt when zstd could not
// train one from them (too few, or too alike). Pure; safe on any thread.
struct trained_dictionary {
  std::string bytes;
  std::int64_t samples = 0;
};
std::optional<trained_dictionary> train_raw_dictionary(const std::vector<std::string>& samples);

// Writes `d` as the next version of raw_dictionaries on `db` (AUTOINCREMENT:
// an id is never given twice, even after a version was dropped), in the
// caller's transaction if one is open; returns its id.
std::int64_t insert_raw_dictionary(SQLite::Database& db, const trained_dictionary& d);

// The writer's first dictionary: it is handed the payloads the writer stores
// while the database has no dictionary, and once it holds `wanted` of them it
// trains one on a thread of its own, so the writer never waits for training.
// Used on the writer thread only.
class first_dictionary_trainer {
 public:
  explicit first_dictionary_trainer(std::size_t wanted) : wanted_(wanted) {}
  ~first_dictionary_trainer();
  first_dictionary_trainer(const first_dictionary_trainer&) = delete;
  first_dictionary_trainer& operator=(const first_dictionary_trainer&) = delete;

  // Keeps a copy of `raw` while samples are wanted; starts the training when
  // the last one arrives. Cheap once it has started (or when wanted is 0).
  void offer(std::string_view raw);

  // The trained dictionary once the training has ended, once; nullopt before,
  // after, or when training failed (logged; no second attempt in this process).
  std::optional<trained_dictionary> take();

 private:
  std::size_t wanted_;
  std::vector<std::string> samples_;
  std::future<std::optional<trained_dictionary>> training_;
  bool started_ = false;
};

}  // namespace rcvault::store::detail
