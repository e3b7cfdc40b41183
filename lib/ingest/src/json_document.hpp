#pragma once
// One parsed JSON text with its arena: the parse every ingest entry point shares.

#include "rcvault/core/error.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string_view>

namespace rcvault::ingest::detail {

// Deepest nesting accepted; real notifications nest 4 levels.
inline constexpr std::size_t max_json_depth = 64;

// How much of the text one json_document takes.
enum class json_extent {
  whole,        // the text must be exactly one value (whitespace around it allowed)
  first_value,  // the first value; the rest of the text is left for the caller
};

// Parses `raw` as one JSON value (strict: no comments, no trailing commas,
// valid UTF-8 only, depth <= max_json_depth) into an arena owned by this
// object. Never throws on bad input (only std::bad_alloc). Not copyable: the
// value points into the arena.
class json_document {
 public:
  explicit json_document(std::string_view raw, json_extent extent = json_extent::whole);
  json_document(const json_document&) = delete;
  json_document& operator=(const json_document&) = delete;

  // True when `raw` was one valid JSON value.
  bool ok() const noexcept { return ok_; }
  // The invalid_json error (byte offset and cause); meaningful only when !ok().
  core::error error() const;
  // Bytes of `raw` taken by the value (first_value), or the error offset.
  std::size_t consumed() const noexcept { return error_offset_; }
  // The parsed value; null when !ok().
  const boost::json::value& value() const noexcept { return value_; }

 private:
  unsigned char arena_[8192];
  boost::json::monotonic_resource resource_;
  boost::json::value value_;
  std::string_view raw_;
  std::size_t error_offset_ = 0;
  boost::system::error_code error_code_;
  bool ok_ = false;
};

}  // namespace rcvault::ingest::detail
