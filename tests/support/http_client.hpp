#pragma once
// A small synchronous HTTP/1.1 client for tests: one connection to a TCP port
// or a unix socket, every operation bounded by a timeout so a broken server
// fails the test instead of hanging it. Beast stays inside http_client.cpp.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rcvault::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

// One response as received.
struct http_response {
  unsigned status = 0;
  header_list headers;         // names as sent, in order
  std::string body;            // de-chunked
  std::size_t raw_bytes = 0;   // status line + headers + body exactly as read from the socket
  bool keep_alive = false;     // the server intends to keep the connection open

  // Returns the first header named `name` (case-insensitive); nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
};

// How long one client operation (connect, write, read) may take at most.
inline constexpr std::chrono::milliseconds default_client_timeout{10000};

class http_client {
 public:
  // Connects to 127.0.0.1:`port` (or `host`); throws std::runtime_error on failure.
  explicit http_client(std::uint16_t port, std::string host = "127.0.0.1",
                       std::chrono::milliseconds timeout = default_client_timeout);
  // Connects to a unix stream socket; throws std::runtime_error on failure.
  explicit http_client(const std::filesystem::path& unix_socket,
                       std::chrono::milliseconds timeout = default_client_timeout);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Sends one request (Host and, for a body, Content-Length are added unless
  // given in `headers`) and reads its response. Throws std::runtime_error when
  // the connection fails or closes before a full response.
  http_response request(std::string_view method, std::string_view target, std::string_view body = {},
                        const header_list& headers = {});

  // Shorthand: POST `body` as application/json to `target`.
  http_response post_json(std::string_view target, std::string_view body, const header_list& headers = {});

  // Shorthand: GET `target`.
  http_response get(std::string_view target, const header_list& headers = {});

  // Writes bytes exactly as given (for hostile or split requests). Throws on failure.
  void send_raw(std::string_view bytes);

  // Reads one response; nullopt when the server closed the connection before
  // sending one. Throws std::runtime_error on a timeout or a malformed response.
  std::optional<http_response> read_response();

  // Waits up to `within` for the server to close the connection without
  // sending anything; true when it closed (EOF or reset), false on timeout or data.
  bool wait_closed(std::chrono::milliseconds within);

  // True when something (data or EOF) can be read within `within`; consumes nothing.
  bool wait_readable(std::chrono::milliseconds within);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::test
