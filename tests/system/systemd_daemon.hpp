#pragma once
// Test helpers that play systemd for the built `rcvault serve`: a datagram
// socket the daemon notifies (NOTIFY_SOCKET), and the daemon as a child process
// whose stderr is read line by line. Every wait is bounded; nothing sleeps.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::test {

// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
class notify_socket {
 public:
  // Binds `path`; throws std::runtime_error on failure.
  explicit notify_socket(std::filesystem::path path);
  ~notify_socket();
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  // Receives datagrams until one has a line equal to `line` ("READY=1") or
  // `within` passes; returns true when found. Every datagram is kept in received().
  bool wait_for(std::string_view line, std::chrono::milliseconds within);

  // Every datagram received so far, in order.
  const std::vector<std::string>& received() const noexcept { return received_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

// One `rcvault` child process with its stderr on a pipe.
class daemon_process {
 public:
  // Starts RCVAULT_BINARY with `args` and the test's environment minus every
  // variable systemd or rcvault reads (NOTIFY_SOCKET, WATCHDOG_*,
  // CREDENTIALS_DIRECTORY, RCVAULT_*), plus `env`. Throws on failure.
  daemon_process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);
  // Kills the child when it still runs and reaps it.
  ~daemon_process();
  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Reads stderr until a line containing `needle` arrives, EOF, or `within`
  // passes; returns that line. Every line read is kept in log().
  std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds within);

  // Every stderr line read so far.
  const std::vector<std::string>& log() const noexcept { return log_; }

  // Sends `sig` to the child.
  void signal(int sig);

  // Waits up to `within` for the child to exit; returns its exit code, or
  // nullopt on a timeout or when a signal ended it.
  std::optional<int> wait_exit(std::chrono::milliseconds within);

 private:
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  bool reaped_ = false;
  std::string partial_;
  std::vector<std::string> log_;
};

// The ports of a `listening ingest=HOST:PORT query=HOST:PORT` line.
struct listening_ports {
  std::uint16_t ingest = 0;
  std::uint16_t query = 0;
};

// Parses the listening line; nullopt when it is not one.
std::optional<listening_ports> parse_listening(std::string_view line);

// True when a TCP connection to 127.0.0.1:`port` is accepted.
bool accepts_connections(std::uint16_t port);

}  // namespace rcvault::test
