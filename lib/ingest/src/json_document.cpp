#include "json_document.hpp"

#include <boost/json/parser.hpp>

#include <fmt/format.h>

namespace rcvault::ingest::detail {

json_document::json_document(std::string_view raw, json_extent extent)
    : resource_(arena_, sizeof arena_), value_(boost::json::storage_ptr(&resource_)), raw_(raw) {
  boost::json::parse_options options;
  options.max_depth = max_json_depth;
  // The parser's own stack lives on ours while it fits; nesting is capped above.
  unsigned char stack[2048];
  boost::json::parser parser(boost::json::storage_ptr(), options, stack, sizeof stack);
  parser.reset(boost::json::storage_ptr(&resource_));
  error_offset_ = extent == json_extent::whole ? parser.write(raw.data(), raw.size(), error_code_)
                                               : parser.write_some(raw.data(), raw.size(), error_code_);
  if (error_code_) return;
  // Same storage on both sides, so this moves rather than copies.
  value_ = parser.release();
  ok_ = true;
}

core::error json_document::error() const {
  // Boost.JSON reports bad UTF-8 as a plain syntax error; a byte >= 0x80 at the
  // failing offset can only be a broken multi-byte sequence, so name it.
  if (error_offset_ < raw_.size() && static_cast<unsigned char>(raw_[error_offset_]) >= 0x80)
    return core::make_error(core::errc::invalid_json, fmt::format("invalid UTF-8 at byte {}", error_offset_));
  if (error_code_ == boost::json::error::too_deep)
    return core::make_error(core::errc::invalid_json,
                            fmt::format("JSON nested deeper than {} levels at byte {}", max_json_depth, error_offset_));
  return core::make_error(core::errc::invalid_json,
                          fmt::format("invalid JSON at byte {}: {}", error_offset_, error_code_.message()));
}

}  // namespace rcvault::ingest::detail
