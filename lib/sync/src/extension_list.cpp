#include "rcvault/sync/extension_list.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <array>

namespace rcvault::sync {
namespace {
namespace json = boost::json;

constexpr std::array<std::string_view, 6> synced_types{"User",        "Department", "DigitalUser",
                                                       "VirtualUser", "FaxUser",    "Voicemail"};
constexpr std::array<std::string_view, 3> synced_statuses{"Enabled", "Disabled", "Frozen"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, const json::value* v) {
  if (!v || !v->is_string()) return false;
  for (auto s : set)
    if (v->get_string() == s) return true;
  return false;
}

std::optional<std::string> id_digits(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_string() && !v.get_string().empty()) return std::string(v.get_string());
  return std::nullopt;
}

}  // namespace

std::string extension_list_path(unsigned page) {
  std::string p = fmt::format("/restapi/v1.0/account/~/extension?perPage=1000&page={}", page);
  for (auto t : synced_types) p += fmt::format("&type={}", t);
  for (auto s : synced_statuses) p += fmt::format("&status={}", s);
  return p;
}

core::result<extension_page> parse_extension_page(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 64;
  json::value v = json::parse(body, ec, {}, po);
  if (ec) return core::make_error(core::errc::invalid_json, fmt::format("extension list: {}", ec.message()));
  if (!v.is_object()) return core::make_error(core::errc::invalid_json, "extension list: not a JSON object");
  const auto& o = v.get_object();
  const json::value* records = o.if_contains("records");
  if (!records || !records->is_array())
    return core::make_error(core::errc::invalid_record, "extension list: no records array");
  extension_page out;
  for (const auto& r : records->get_array()) {
    if (!r.is_object()) continue;
    const auto& e = r.get_object();
    if (!one_of(synced_types, e.if_contains("type")) || !one_of(synced_statuses, e.if_contains("status"))) continue;
    const json::value* id = e.if_contains("id");
    if (!id) continue;
    if (auto digits = id_digits(*id)) out.ids.push_back(std::move(*digits));
  }
  if (const json::value* nav = o.if_contains("navigation"); nav && nav->is_object())
    if (const json::value* next = nav->get_object().if_contains("nextPage"); next && next->is_object())
      out.more = true;
  if (!out.more)
    if (const json::value* paging = o.if_contains("paging"); paging && paging->is_object()) {
      const auto& p = paging->get_object();
      const json::value* page = p.if_contains("page");
      const json::value* total = p.if_contains("totalPages");
      if (page && total && page->is_int64() && total->is_int64()) out.more = page->get_int64() < total->get_int64();
    }
  return out;
}

}  // namespace rcvault::sync
