#pragma once
// Loading rcvault's configuration (docs/configuration.md): defaults, then a TOML file,
// then RCVAULT_* environment variables, then command-line flags, each layer
// over the one before; every bad key or value is an error naming it.

#include "rcvault/config/config.hpp"

#include <boost/system/result.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::config {

// A configuration error: one line naming the thing at fault (file and line, variable,
// flag, key); never contains a secret. Example:
// "config /etc/rcvault/rcvault.toml: unknown key 'ingest.lisen' (line 3)".
struct load_error {
  std::string message;
};

// Found by ADL from result<T>::value(); throws std::runtime_error with the message.
[[noreturn]] void throw_exception_from_error(const load_error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, load_error>;

// Environment variables by name; tests pass their own instead of the process's.
using environment = std::map<std::string, std::string, std::less<>>;

// Returns the process's RCVAULT_* variables and CREDENTIALS_DIRECTORY (nothing else).
environment process_environment();

// Values given as command-line flags, still as text; each overrides every other layer.
struct flag_values {
  std::optional<std::string> db{};             // --db: store.path
  std::optional<std::string> ingest_listen{};  // --ingest-listen: ingest.listen
  std::optional<std::string> query_listen{};   // --query-listen: query.listen
  std::vector<std::string> extensions{};       // --extension (repeatable): sync.extensions; empty = not given
};

// Everything a configuration is loaded from.
struct load_request {
  std::optional<std::filesystem::path> file{};  // the TOML file (--config); none = no file layer
  environment env{};                            // RCVAULT_* and CREDENTIALS_DIRECTORY
  flag_values flags{};
};

// Builds the configuration from its layers, reads the secret files (and the systemd
// credentials verification-token, query-token, ringcentral-client-secret and
// ringcentral-jwt when the secret is not configured), and validates every value,
// including that ringcentral.client_id comes with a client secret and a JWT; returns
// the first error. Creates nothing on disk.
result<config> load(const load_request& request);

// Whether a listen address may name a unix socket.
enum class unix_socket { allowed, refused };

// Parses "HOST:PORT" (HOST an IPv4 address), "[IPv6]:PORT" or, when allowed,
// "unix:/absolute/path"; port 0 means ephemeral. The error says what is wrong with `text`.
result<listen_address> parse_listen_address(std::string_view text, unix_socket unix);

}  // namespace rcvault::config
