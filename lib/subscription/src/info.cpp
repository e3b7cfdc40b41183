#include "rcvault/subscription/info.hpp"

#include "rcvault/core/time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace rcvault::subscription {
namespace {

namespace json = boost::json;

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

core::result<info> read_info(const json::value& v) {
  const auto* o = v.if_object();
  if (!o) return core::make_error(core::errc::invalid_record, "subscription: not an object");
  info out;
  out.id = text(*o, "id");
  if (out.id.empty()) return core::make_error(core::errc::invalid_record, "subscription: no id");
  out.status = text(*o, "status");
  if (const auto* dm = o->if_contains("deliveryMode"); dm && dm->is_object()) out.address = text(dm->get_object(), "address");
  out.expiration_time = text(*o, "expirationTime");
  if (!out.expiration_time.empty()) out.expires_at_ms = core::parse_iso8601(out.expiration_time);
  if (const auto* e = o->if_contains("expiresIn"); e && e->is_int64()) out.expires_in = e->get_int64();
  if (const auto* f = o->if_contains("eventFilters"); f && f->is_array())
    for (const auto& e : f->get_array())
      if (e.is_string()) out.event_filters.emplace_back(e.get_string());
  if (const auto* d = o->if_contains("disabledFilters"); d && d->is_array())
    for (const auto& e : d->get_array())
      if (e.is_object())
        out.disabled_filters.push_back({text(e.get_object(), "filter"), text(e.get_object(), "reason"),
                                        text(e.get_object(), "message")});
  if (const auto* b = o->if_contains("blacklistedData"); b && b->is_object())
    out.blacklisted = blacklisted_data{text(b->get_object(), "blacklistedAt"), text(b->get_object(), "reason")};
  return out;
}

core::result<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return core::make_error(core::errc::invalid_json, "subscription: " + ec.message());
  return v;
}

}  // namespace

std::vector<std::string> info::all_filters() const {
  auto out = event_filters;
  for (const auto& d : disabled_filters)
    if (!d.filter.empty()) out.push_back(d.filter);
  return out;
}

core::result<info> parse_info(std::string_view body) {
  auto v = parse_json(body);
  if (!v) return v.error();
  return read_info(*v);
}

core::result<std::vector<info>> parse_list(std::string_view body) {
  auto v = parse_json(body);
  if (!v) return v.error();
  const auto* o = v->if_object();
  const auto* records = o ? o->if_contains("records") : nullptr;
  if (!records || !records->is_array())
    return core::make_error(core::errc::invalid_record, "subscription list: no records array");
  std::vector<info> out;
  for (const auto& r : records->get_array()) {
    auto one = read_info(r);
    if (!one) return one.error();
    out.push_back(std::move(*one));
  }
  return out;
}

}  // namespace rcvault::subscription
