#include "field_reader.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <limits>

namespace rcvault::ingest::detail {
namespace json = boost::json;

std::optional<std::string> id_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    default: return std::nullopt;
  }
}

void field_reader::fail(field_path at, std::string_view key, std::string_view what) {
  if (!reason_.empty()) return;
  if (at.index >= 0)
    reason_ = fmt::format("{}[{}].{}: {}", at.parent, at.index, key, what);
  else
    reason_ = fmt::format("{}.{}: {}", at.parent, key, what);
}

std::optional<std::string> field_reader::text(const json::value& v, field_path at, std::string_view key) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return std::string(v.get_string());
  fail(at, key, "expected a string");
  return std::nullopt;
}

std::optional<std::string> field_reader::id(const json::value& v, field_path at, std::string_view key) {
  if (v.is_null()) return std::nullopt;
  if (auto t = id_text(v)) return t;
  fail(at, key, v.is_double() ? "id is not an integer or exceeds 64 bits" : "expected a string or integer id");
  return std::nullopt;
}

std::optional<std::int64_t> field_reader::integer(const json::value& v, field_path at, std::string_view key) {
  if (v.is_null()) return std::nullopt;
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get_uint64());
  fail(at, key, "expected an integer");
  return std::nullopt;
}

std::optional<bool> field_reader::boolean(const json::value& v, field_path at, std::string_view key) {
  if (v.is_null()) return std::nullopt;
  if (v.is_bool()) return v.get_bool();
  fail(at, key, "expected true or false");
  return std::nullopt;
}

std::optional<core::millis> field_reader::time(const json::value& v, field_path at, std::string_view key) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) {
    fail(at, key, "expected an ISO 8601 time string");
    return std::nullopt;
  }
  auto t = core::parse_iso8601(v.get_string(), true);
  if (!t) fail(at, key, "not an ISO 8601 time");
  return t;
}

namespace {
bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool is_integer(const json::value& v) { return v.is_int64() || v.is_uint64(); }
}  // namespace

json::value with_ids_as_text(const json::value& v, std::string_view key) {
  const bool id_key = key == "id" || ends_with(key, "Id");
  if (id_key && is_integer(v)) return json::value(*id_text(v));
  if (v.is_object()) {
    json::object out;
    out.reserve(v.get_object().size());
    for (const auto& kv : v.get_object()) out.emplace(kv.key(), with_ids_as_text(kv.value(), kv.key()));
    return out;
  }
  if (v.is_array()) {
    // Elements of an "...Ids" array are ids; elements of other arrays are
    // judged by their own keys, so pass no key down.
    const std::string_view element_key = ends_with(key, "Ids") ? std::string_view("id") : std::string_view();
    json::array out;
    out.reserve(v.get_array().size());
    for (const auto& e : v.get_array()) out.push_back(with_ids_as_text(e, element_key));
    return out;
  }
  return json::value(v, json::storage_ptr());
}

}  // namespace rcvault::ingest::detail
