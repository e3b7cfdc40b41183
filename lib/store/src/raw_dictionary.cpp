#include "raw_dictionary.hpp"

#include "rcvault/core/time.hpp"
#include "rcvault/log/log.hpp"

#include <SQLiteCpp/Statement.h>
#include <zdict.h>

#include <chrono>

namespace rcvault::store::detail {

std::optional<trained_dictionary> train_raw_dictionary(const std::vector<std::string>& samples) {
  std::string joined;
  std::vector<std::size_t> sizes;
  sizes.reserve(samples.size());
  for (const auto& s : samples) {
    if (s.empty()) continue;
    joined += s;
    sizes.push_back(s.size());
  }
  if (sizes.size() < 8) return std::nullopt;
  std::string dict(raw_dictionary_bytes, '\0');
  const auto n = ZDICT_trainFromBuffer(dict.data(), dict.size(), joined.data(), sizes.data(),
                                       static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) {
    log::warning("store: no raw dictionary trained from {} payloads: {}", sizes.size(), ZDICT_getErrorName(n));
    return std::nullopt;
  }
  dict.resize(n);
  return trained_dictionary{std::move(dict), static_cast<std::int64_t>(sizes.size())};
}

std::int64_t insert_raw_dictionary(SQLite::Database& db, const trained_dictionary& d) {
  const auto now = core::now_ms();
  SQLite::Statement s(db,
                      "INSERT INTO raw_dictionaries(created_at, samples, bytes) VALUES(?1, ?2, ?3)");
  s.bind(1, static_cast<std::int64_t>(now));
  s.bind(2, d.samples);
  s.bind(3, d.bytes.data(), static_cast<int>(d.bytes.size()));
  s.exec();
  return db.getLastInsertRowid();
}

first_dictionary_trainer::~first_dictionary_trainer() {
  if (training_.valid()) training_.wait();
}

void first_dictionary_trainer::offer(std::string_view raw) {
  if (started_ || wanted_ == 0) return;
  samples_.emplace_back(raw);
  if (samples_.size() < wanted_) return;
  started_ = true;
  training_ = std::async(std::launch::async, [samples = std::move(samples_)] {
    const auto t0 = std::chrono::steady_clock::now();
    auto d = train_raw_dictionary(samples);
    log::info("store: raw dictionary trained from {} payloads in {} ms ({} bytes)", samples.size(),
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count(),
              d ? d->bytes.size() : 0);
    return d;
  });
  samples_ = {};
}

std::optional<trained_dictionary> first_dictionary_trainer::take() {
  if (!training_.valid()) return std::nullopt;
  if (training_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  return training_.get();
}

}  // namespace rcvault::store::detail
