#include "layer.hpp"

#include <charconv>
#include <string>

extern char** environ;

namespace rcvault::config {

environment process_environment() {
  environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry{*e};
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = entry.substr(0, eq);
    if (name.starts_with("RCVAULT_") || name == "CREDENTIALS_DIRECTORY")
      env.emplace(std::string(name), std::string(entry.substr(eq + 1)));
  }
  return env;
}

namespace detail {
namespace {

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::string> apply_environment(const environment& env, layer_state& layer) {
  for (const auto& [name, text] : env) {
    if (!name.starts_with("RCVAULT_")) continue;
    const key_spec* key = nullptr;
    for (const key_spec& k : all_keys())
      if (environment_name(k.name) == name) key = &k;
    const place where{"environment " + name + ": ", ""};
    if (key == nullptr) return where.describe("names no configuration key");
    value v = text;
    if (key->type == value_type::list) v = split_list(text);
    if (key->type == value_type::integer) {
      const auto n = parse_integer(text);
      // Integer keys hold no secrets, so quoting the text is safe.
      if (!n) return where.describe("expected an integer, got '" + text + "'");
      v = *n;
    }
    if (key->type == value_type::boolean) {
      if (text != "true" && text != "false") return where.describe("expected true or false, got '" + text + "'");
      v = text == "true";
    }
    if (auto problem = key->apply(layer, v, where)) return where.describe(*problem);
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace rcvault::config
