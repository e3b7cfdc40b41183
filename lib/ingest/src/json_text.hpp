#pragma once
// Finding values in JSON text by their bytes, so an item's raw text is its
// exact bytes in the input (import files, Message Sync pages). Only brackets
// and strings are tracked, without recursion: the real parser judges each
// item's text afterwards.

#include <cstddef>
#include <string_view>

namespace rcvault::ingest::detail {

inline constexpr std::size_t text_npos = std::string_view::npos;

inline bool is_json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index of the first non-space at or after `pos` (at most `limit`).
inline std::size_t skip_json_spaces(std::string_view t, std::size_t pos, std::size_t limit) noexcept {
  while (pos < limit && is_json_space(t[pos])) ++pos;
  return pos;
}

// Index just past the string starting at t[pos] == '"', npos when unterminated.
inline std::size_t skip_json_string(std::string_view t, std::size_t pos) noexcept {
  for (std::size_t i = pos + 1; i < t.size(); ++i) {
    if (t[i] == '\\') ++i;
    else if (t[i] == '"') return i + 1;
  }
  return text_npos;
}

// Index just past the JSON value starting at t[pos], npos when the text ends first.
inline std::size_t skip_json_value(std::string_view t, std::size_t pos) noexcept {
  if (pos >= t.size()) return text_npos;
  if (t[pos] == '"') return skip_json_string(t, pos);
  if (t[pos] == '{' || t[pos] == '[') {
    std::size_t depth = 0;
    std::size_t i = pos;
    while (i < t.size()) {
      char c = t[i];
      if (c == '"') {
        i = skip_json_string(t, i);
        if (i == text_npos) return text_npos;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return text_npos;
  }
  std::size_t i = pos;
  while (i < t.size() && !is_json_space(t[i]) && t[i] != ',' && t[i] != ']' && t[i] != '}') ++i;
  return i;
}

// Offset of the array value of top-level member `key` in the (valid) object
// text t[begin, end), npos when absent or not an array, or when the key is
// spelled with escapes.
inline std::size_t find_json_array_member(std::string_view t, std::size_t begin, std::size_t end,
                                          std::string_view key) noexcept {
  std::size_t pos = begin + 1;
  for (;;) {
    pos = skip_json_spaces(t, pos, end);
    if (pos >= end || t[pos] != '"') return text_npos;
    std::size_t key_end = skip_json_string(t, pos);
    if (key_end == text_npos || key_end > end) return text_npos;
    std::string_view name = t.substr(pos + 1, key_end - pos - 2);
    pos = skip_json_spaces(t, key_end, end);
    if (pos >= end || t[pos] != ':') return text_npos;
    pos = skip_json_spaces(t, pos + 1, end);
    if (name == key && pos < end && t[pos] == '[') return pos;
    std::size_t value_end = skip_json_value(t, pos);
    if (value_end == text_npos || value_end > end) return text_npos;
    pos = skip_json_spaces(t, value_end, end);
    if (pos < end && t[pos] == ',') ++pos;
    else return text_npos;
  }
}

}  // namespace rcvault::ingest::detail
