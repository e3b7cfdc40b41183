#include "key_values.hpp"
#include "layer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <string>
#include <vector>

namespace rcvault::config::detail {
namespace {

std::optional<std::string> store_listen(listen_address& out, const value& v, unix_socket unix) {
  auto parsed = parse_listen_address(text_of(v), unix);
  if (!parsed) return parsed.error().message;
  out = *parsed;
  return std::nullopt;
}

const key_spec core_keys[] = {
    {"store.path", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       if (text_of(v).empty()) return "must not be empty";
       l.cfg.store.path = text_of(v);
       return std::nullopt;
     }},
    {"store.synchronous", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       if (text_of(v) == "full") l.cfg.store.synchronous = synchronous_mode::full;
       else if (text_of(v) == "normal") l.cfg.store.synchronous = synchronous_mode::normal;
       else return "expected 'full' or 'normal', got '" + text_of(v) + "'";
       return std::nullopt;
     }},
    {"store.batch_max", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, 100000>(v, [&](std::int64_t n) { l.cfg.store.batch_max = static_cast<std::size_t>(n); });
     }},
    {"store.queue_max", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, 10000000>(v, [&](std::int64_t n) { l.cfg.store.queue_max = static_cast<std::size_t>(n); });
     }},
    {"ingest.listen", value_type::text,
     [](layer_state& l, const value& v, const place&) { return store_listen(l.cfg.ingest.listen, v, unix_socket::refused); }},
    {"ingest.path", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       const std::string& p = text_of(v);
       if (p.empty() || p.front() != '/') return "must start with '/', got '" + p + "'";
       const bool bad_char = std::any_of(p.begin(), p.end(), [](unsigned char c) {
         return c <= 0x20 || c == 0x7f || c == '?' || c == '#';
       });
       if (bad_char) return "must be a URL path without spaces, '?' or '#', got '" + p + "'";
       l.cfg.ingest.path = p;
       return std::nullopt;
     }},
    {"ingest.verification_token", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_value(l.verification_token, v, w); }},
    {"ingest.verification_token_file", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_file(l.verification_token, v, w); }},
    {"ingest.max_body_bytes", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, 1073741824>(v, [&](std::int64_t n) { l.cfg.ingest.max_body_bytes = static_cast<std::size_t>(n); });
     }},
    {"query.listen", value_type::text,
     [](layer_state& l, const value& v, const place&) { return store_listen(l.cfg.query.listen, v, unix_socket::allowed); }},
    {"query.token", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_value(l.query_token, v, w); }},
    {"query.token_file", value_type::text,
     [](layer_state& l, const value& v, const place& w) { return set_secret_file(l.query_token, v, w); }},
    {"http.read_timeout_seconds", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, 3600>(v, [&](std::int64_t n) { l.cfg.http.read_timeout = std::chrono::seconds{n}; });
     }},
    {"http.max_connections", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       return store_integer<1, 1000000>(v, [&](std::int64_t n) { l.cfg.http.max_connections = static_cast<std::size_t>(n); });
     }},
    {"retention.days", value_type::integer,
     [](layer_state& l, const value& v, const place&) {
       // 100 years: a longer period is a typo, and keeping forever is leaving the key out.
       return store_integer<1, 36500>(v, [&](std::int64_t n) { l.cfg.retention.days = static_cast<int>(n); });
     }},
    {"log.level", value_type::text,
     [](layer_state& l, const value& v, const place&) -> std::optional<std::string> {
       static constexpr std::array<std::string_view, 4> levels{"debug", "info", "warning", "error"};
       if (std::find(levels.begin(), levels.end(), text_of(v)) == levels.end())
         return "expected one of debug, info, warning, error, got '" + text_of(v) + "'";
       l.cfg.log.level = text_of(v);
       return std::nullopt;
     }},
};

}  // namespace

std::string place::describe(std::string_view problem) const {
  std::string out = prefix;
  out.append(problem);
  out += suffix;
  return out;
}

std::span<const key_spec> all_keys() noexcept {
  static const std::vector<key_spec> every = [] {
    std::vector<key_spec> out(std::begin(core_keys), std::end(core_keys));
    const auto api = api_keys();
    out.insert(out.end(), api.begin(), api.end());
    const auto sub = subscription_keys();
    out.insert(out.end(), sub.begin(), sub.end());
    const auto att = attachments_keys();
    out.insert(out.end(), att.begin(), att.end());
    return out;
  }();
  return every;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  for (;;) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    out.emplace_back(item);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

const key_spec* find_key(std::string_view dotted) noexcept {
  for (const key_spec& k : all_keys())
    if (k.name == dotted) return &k;
  return nullptr;
}

bool is_section(std::string_view section) noexcept {
  for (const key_spec& k : all_keys())
    if (k.name.substr(0, k.name.find('.')) == section) return true;
  return false;
}

std::string environment_name(std::string_view dotted) {
  std::string out = "RCVAULT_";
  for (char c : dotted) out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> check_secret(std::string_view secret) {
  if (secret.empty()) return "must not be empty";
  const bool control = std::any_of(secret.begin(), secret.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  if (control) return "must be one line without control characters";
  return std::nullopt;
}

}  // namespace rcvault::config::detail
