#include "raw_codec.hpp"

#include <stdexcept>

namespace rcvault::store::detail {

raw_codec::raw_codec(SQLite::Database& db) : db_(db) {}

raw_codec::~raw_codec() = default;

// Placeholder until compression lands: stores the bytes as received.
encoded_raw raw_codec::encode(std::string_view raw) { return {std::string(raw), std::nullopt}; }

std::string raw_codec::decode(std::string_view stored, std::optional<std::int64_t> dict) {
  if (dict) throw std::runtime_error("events.raw: compressed with dictionary " + std::to_string(*dict) +
                                     ", which this build cannot read");
  return std::string(stored);
}

}  // namespace rcvault::store::detail
