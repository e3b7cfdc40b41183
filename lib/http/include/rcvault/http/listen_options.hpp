#pragma once
// Where a listener binds and the deadlines and caps it enforces; free of
// Beast so the app can fill them in without compiling HTTP code.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace rcvault::http {

// Where to listen: a TCP host and port (0 = ephemeral) or a unix socket path.
struct listen_spec {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::filesystem::path unix_path;  // when set, host and port are ignored
};

// Deadlines and caps of one listener.
struct server_limits {
  std::chrono::milliseconds read_timeout{10000};   // headers + body of a request; idle keep-alive
  std::chrono::milliseconds write_timeout{10000};  // each write of a response
  std::size_t max_connections = 1024;              // further connections wait in the backlog
  std::size_t header_limit = 16 * 1024;            // request line + headers
};

}  // namespace rcvault::http
