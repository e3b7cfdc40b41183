#include "layer.hpp"

#include <toml++/toml.h>

#include <sstream>
#include <string>
#include <vector>

namespace rcvault::config::detail {
namespace {

std::string line_suffix(const toml::source_region& r) {
  if (r.begin.line == 0) return {};
  return " (line " + std::to_string(r.begin.line) + ")";
}

std::string_view type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// Description text from toml++ may span lines; an error is one line.
std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\r') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// What each key type takes in TOML, as said in an error.
std::string_view wanted(value_type t) {
  switch (t) {
    case value_type::text: return "a string";
    case value_type::integer: return "an integer";
    case value_type::list: return "a string or an array of strings and integers";
    case value_type::date: return "a date or a string";
    case value_type::boolean: return "a boolean";
  }
  return "a string";
}

// RFC 3339 text of a TOML date or date-time ("2024-05-01", "2024-05-01T10:00:00Z").
template <class T>
std::string as_text(const T& t) {
  std::ostringstream out;
  out << t;
  return std::move(out).str();
}

// Sets `out` to the node as the value its key takes; returns the problem, or nullopt.
std::optional<std::string> file_value(const key_spec& key, const toml::node& node, value& out) {
  if (key.type == value_type::text && node.is_string()) out = node.as_string()->get();
  else if (key.type == value_type::integer && node.is_integer()) out = node.as_integer()->get();
  else if (key.type == value_type::boolean && node.is_boolean()) out = node.as_boolean()->get();
  else if (key.type == value_type::date && node.is_string()) out = node.as_string()->get();
  else if (key.type == value_type::date && node.is_date()) out = as_text(node.as_date()->get());
  else if (key.type == value_type::date && node.is_date_time()) out = as_text(node.as_date_time()->get());
  else if (key.type == value_type::list && node.is_string()) out = split_list(node.as_string()->get());
  else if (key.type == value_type::list && node.is_array()) {
    std::vector<std::string> items;
    for (const toml::node& item : *node.as_array()) {
      if (item.is_string()) items.push_back(item.as_string()->get());
      else if (item.is_integer()) items.push_back(std::to_string(item.as_integer()->get()));
      else return "expected an array of strings and integers, got an array holding " + std::string(type_name(item.type()));
    }
    out = std::move(items);
  } else {
    return "expected " + std::string(wanted(key.type)) + ", got " + std::string(type_name(node.type()));
  }
  return std::nullopt;
}

std::optional<std::string> apply_section(const std::string& prefix, std::string_view section, const toml::table& table,
                                         layer_state& layer) {
  for (const auto& [k, node] : table) {
    const std::string dotted = std::string(section) + "." + std::string(k.str());
    const key_spec* key = find_key(dotted);
    if (key == nullptr) return prefix + "unknown key '" + dotted + "'" + line_suffix(k.source());
    const place where{prefix + dotted + ": ", line_suffix(node.source())};
    value v;
    if (auto problem = file_value(*key, node, v)) return where.describe(*problem);
    if (auto problem = key->apply(layer, v, where)) return where.describe(*problem);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> apply_file(const std::filesystem::path& file, layer_state& layer) {
  const std::string prefix = "config " + file.string() + ": ";
  const file_contents contents = read_whole_file(file);
  if (!contents.bytes) return prefix + "cannot read: " + contents.problem;

  toml::table root;
  try {
    root = toml::parse(*contents.bytes, file.string());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return prefix + one_line(e.description()) + " (line " + std::to_string(at.line) + ", column " +
           std::to_string(at.column) + ")";
  }

  for (const auto& [k, node] : root) {
    const std::string section{k.str()};
    if (!node.is_table()) {
      if (is_section(section))
        return prefix + section + ": expected a table, got " + std::string(type_name(node.type())) + line_suffix(node.source());
      return prefix + "unknown key '" + section + "'" + line_suffix(k.source());
    }
    if (!is_section(section)) return prefix + "unknown section '" + section + "'" + line_suffix(k.source());
    if (auto e = apply_section(prefix, section, *node.as_table(), layer)) return e;
  }
  return std::nullopt;
}

}  // namespace rcvault::config::detail
