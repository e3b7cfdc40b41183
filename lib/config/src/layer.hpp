#pragma once
// Internal: how one configuration layer (file, environment, flags) sets keys.

#include "rcvault/config/config.hpp"
#include "rcvault/config/load.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rcvault::config::detail {

// Where a value came from, as the words around an error about it:
// prefix "config F: ingest.listen: " and suffix " (line 3)".
struct place {
  std::string prefix;
  std::string suffix;

  // Returns prefix + problem + suffix.
  std::string describe(std::string_view problem) const;
};

// One layer's setting of one secret: an inline value, a file, or (an error) both.
struct secret_setting {
  std::optional<std::string> value;
  std::optional<std::filesystem::path> file;
  place value_place;
  place file_place;

  bool empty() const noexcept { return !value && !file; }
};

// The configuration being built plus the secrets the current layer set.
struct layer_state {
  config& cfg;
  secret_setting verification_token{};
  secret_setting query_token{};
  secret_setting client_secret{};
  secret_setting jwt{};
};

// A value as a layer gives it: TOML has types, the environment and flags are text.
// A list is a TOML array, or comma-separated text split by the layer; a
// boolean is a TOML boolean, or the text "true" / "false" elsewhere.
using value = std::variant<std::string, std::int64_t, std::vector<std::string>, bool>;

// `date` is text in every layer, and in TOML also a date or date-time (given as its RFC 3339 text).
enum class value_type { text, integer, list, date, boolean };

// One configuration key ("store.path"): the type it takes and how it is stored.
struct key_spec {
  std::string_view name;
  value_type type;
  // Validates `v` (already of `type`) and stores it; returns the problem, or nullopt.
  std::optional<std::string> (*apply)(layer_state& layer, const value& v, const place& where);
};

// Every key, in the order of docs/configuration.md.
std::span<const key_spec> all_keys() noexcept;

// The keys of the [ringcentral] and [sync] sections (api_keys.cpp).
std::span<const key_spec> api_keys() noexcept;

// The keys of the [subscription] section (subscription_keys.cpp).
std::span<const key_spec> subscription_keys() noexcept;

// The keys of the [attachments] section (attachments_keys.cpp).
std::span<const key_spec> attachments_keys() noexcept;

// Sets attachments.dir to "attachments" beside store.path when no layer set
// it (load() calls it once every layer is applied).
void resolve_attachments_dir(config& cfg);

// True for "localhost", 127.0.0.0/8 and ::1: the only hosts spoken to without TLS (tests).
bool is_loopback_host(const std::string& host);

// True for a TCP port in a URL: 1-5 digits, 1 to 65535.
bool is_url_port(std::string_view digits);

// The key named `dotted` ("ingest.listen"), or nullptr.
const key_spec* find_key(std::string_view dotted) noexcept;

// True when `section` ("store") is a section of the configuration.
bool is_section(std::string_view section) noexcept;

// Returns the environment variable of a key: "ingest.verification_token" -> "RCVAULT_INGEST_VERIFICATION_TOKEN".
std::string environment_name(std::string_view dotted);

// Applies the TOML file `file` to `layer`; returns the error message, or nullopt.
std::optional<std::string> apply_file(const std::filesystem::path& file, layer_state& layer);

// Applies the RCVAULT_* variables of `env` to `layer`; returns the error message, or nullopt.
std::optional<std::string> apply_environment(const environment& env, layer_state& layer);

// A whole file's bytes, or why it could not be read ("is a directory", "No such file or directory").
struct file_contents {
  std::optional<std::string> bytes;
  std::string problem;
};

// Reads a whole file; never throws for a missing or unreadable file.
file_contents read_whole_file(const std::filesystem::path& file);

// Splits "a, b,c" at commas into trimmed items ("a", "b", "c"); empty items are kept (as "").
std::vector<std::string> split_list(std::string_view text);

// Checks a secret's text: non-empty, one line, no control characters; returns the problem
// without ever quoting the secret.
std::optional<std::string> check_secret(std::string_view secret);

}  // namespace rcvault::config::detail
