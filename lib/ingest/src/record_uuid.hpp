#pragma once
// The uuid of a REST record that has no lastModifiedTime to name its version
// (docs/ingest.md, "Import"): "api:<id>:h<16 hex digits>", FNV-1a of its text,
// shared by import and Message Sync so both name the same record alike.

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace rcvault::ingest::detail {

// 64-bit FNV-1a of `s`.
inline std::uint64_t fnv1a64(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Returns "api:<id>:h<FNV-1a of text, 16 hex digits>".
inline std::string hashed_record_uuid(std::string_view id, std::string_view text) {
  return fmt::format("api:{}:h{:016x}", id, fnv1a64(text));
}

}  // namespace rcvault::ingest::detail
