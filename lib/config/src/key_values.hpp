#pragma once
// Internal: the small steps every key's apply function shares (reading a value,
// range checks, secrets), so that each key's table entry says only what is its own.

#include "layer.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace rcvault::config::detail {

inline const std::string& text_of(const value& v) { return std::get<std::string>(v); }
inline std::int64_t integer_of(const value& v) { return std::get<std::int64_t>(v); }
inline const std::vector<std::string>& list_of(const value& v) { return std::get<std::vector<std::string>>(v); }
inline bool boolean_of(const value& v) { return std::get<bool>(v); }

// Returns the problem when `got` is outside [lo, hi].
inline std::optional<std::string> out_of_range(std::int64_t got, std::int64_t lo, std::int64_t hi) {
  if (got >= lo && got <= hi) return std::nullopt;
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + std::to_string(got);
}

// Checks the range of an integer value and hands it to `store`.
template <std::int64_t Lo, std::int64_t Hi, class Store>
std::optional<std::string> store_integer(const value& v, Store store) {
  if (auto bad = out_of_range(integer_of(v), Lo, Hi)) return bad;
  store(integer_of(v));
  return std::nullopt;
}

// Records an inline secret of this layer; the problem never quotes it.
inline std::optional<std::string> set_secret_value(secret_setting& s, const value& v, const place& where) {
  if (auto bad = check_secret(text_of(v))) return bad;
  s.value = text_of(v);
  s.value_place = where;
  return std::nullopt;
}

// Records a secret's file of this layer (read once every layer is applied).
inline std::optional<std::string> set_secret_file(secret_setting& s, const value& v, const place& where) {
  if (text_of(v).empty()) return "must not be empty";
  s.file = text_of(v);
  s.file_place = where;
  return std::nullopt;
}

}  // namespace rcvault::config::detail
