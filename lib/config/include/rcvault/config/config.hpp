#pragma once
// rcvault's configuration (docs/configuration.md): the struct with its defaults inline,
// and loading from TOML file + RCVAULT_* environment + command-line flags with
// precedence flags > environment > file > defaults.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::config {

// A TCP "HOST:PORT" ("[::1]:8080" for IPv6) or a unix socket "unix:/path".
struct listen_address {
  std::string host;                 // an IP address (IPv6 without brackets); empty for a unix socket
  std::uint16_t port = 0;           // 0 = ephemeral
  std::filesystem::path unix_path;  // set only for "unix:/path"

  bool is_unix() const noexcept { return !unix_path.empty(); }
  friend bool operator==(const listen_address&, const listen_address&) = default;
};

// Returns the address as it is written in a config: "127.0.0.1:8080", "[::1]:8080", "unix:/run/q.sock".
std::string to_string(const listen_address& a);

enum class synchronous_mode { full, normal };

struct config {
  struct store_section {
    std::filesystem::path path = "./var/rcvault.db";
    synchronous_mode synchronous = synchronous_mode::full;
    std::size_t batch_max = 512;
    std::size_t queue_max = 8192;
  } store;
  struct ingest_section {
    listen_address listen{"127.0.0.1", 8080, {}};
    std::string path = "/webhook";
    std::optional<std::string> verification_token;  // secret: never logged
    std::size_t max_body_bytes = 1048576;
  } ingest;
  struct query_section {
    listen_address listen{"127.0.0.1", 8081, {}};
    std::optional<std::string> token;               // secret: never logged
  } query;
  struct http_section {
    std::chrono::seconds read_timeout{10};
    std::size_t max_connections = 1024;
  } http;
  struct log_section {
    std::string level = "info";                     // debug | info | warning | error
  } log;
  // RingCentral's REST API (docs/sync.md). Without client_id rcvault is webhook-only.
  struct ringcentral_section {
    std::string server = "https://platform.ringcentral.com";  // scheme://host[:port], no path, no trailing '/'
    std::optional<std::string> client_id;
    std::optional<std::string> client_secret;       // secret: never logged
    std::optional<std::string> jwt;                 // secret: never logged
    std::optional<std::filesystem::path> ca_file;   // PEM bundle trusted besides the system store
    unsigned light_per_minute = 40;
    unsigned medium_per_minute = 30;

    // True when the API is configured (load() then guarantees client_secret and jwt are set).
    bool configured() const noexcept { return client_id.has_value(); }
  } ringcentral;
  // Message Sync (docs/sync.md).
  struct sync_section {
    // The mailboxes to sync: ["~"] (the JWT user's own), ["all"] (every extension
    // the token may read) or extension ids as digits. Never empty; "~" and "all"
    // only alone; no duplicates.
    std::vector<std::string> extensions{"~"};
    std::chrono::seconds interval{300};
    // How far back a full sync reaches (UTC).
    std::chrono::sys_time<std::chrono::milliseconds> since{std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}};

    // True when `extensions` is ["all"].
    bool all_extensions() const noexcept { return extensions.size() == 1 && extensions.front() == "all"; }
  } sync;
  // The webhook subscription rcvault keeps alive (docs/deploy.md).
  struct subscription_section {
    // The public URL at which RingCentral reaches ingest.path: https://, or
    // http:// for a loopback host. Unset: rcvault manages no subscription.
    std::optional<std::string> address;
    // Filters to subscribe to, each "/restapi/v1.0/..."; empty: the instant SMS,
    // voicemail, inbound fax and message-store filters of every synced mailbox.
    std::vector<std::string> event_filters;
    std::chrono::seconds expires_in{2592000};      // sent as top-level expiresIn
    std::chrono::seconds check_interval{300};     // how often its status is read

    // True when subscription.address is set.
    bool managed() const noexcept { return address.has_value(); }
  } subscription;
  // Attachment content kept in the archive (docs/attachments.md).
  struct attachments_section {
    bool download = true;                          // fetch content (with the API configured)
    // Where content is kept (temporary files too). Unset: "attachments"
    // beside the database (store.path's folder); load() resolves it, so it is
    // always set in a loaded configuration. Relative: to the current directory.
    std::optional<std::filesystem::path> dir;
    std::uint64_t max_bytes = 52'428'800;         // larger ones are recorded too_large
    std::uint64_t min_free_bytes = 2'147'483'648;  // the fetcher pauses below this free space
  } attachments;

  // How long messages are kept (docs/retention.md).
  struct retention_section {
    // Messages whose creationTime is older than this many days are removed,
    // and sync asks RingCentral for nothing older. Unset: kept forever.
    std::optional<int> days;
  } retention;

  // attachments.dir, or its default when unset: "attachments" in store.path's folder.
  std::filesystem::path attachments_dir() const {
    return attachments.dir.value_or(store.path.parent_path() / "attachments");
  }
};

}  // namespace rcvault::config
