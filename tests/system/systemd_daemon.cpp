#include "systemd_daemon.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace rcvault::test {

namespace {

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool inherited_variable_dropped(std::string_view entry) {
  for (std::string_view prefix : {"NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
                                  "CREDENTIALS_DIRECTORY=", "RCVAULT_"}) {
    if (entry.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace

notify_socket::notify_socket(std::filesystem::path path) : path_(std::move(path)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const auto s = path_.string();
  if (s.size() >= sizeof(addr.sun_path)) throw std::runtime_error("notify socket path too long: " + s);
  std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket(AF_UNIX, SOCK_DGRAM) failed");
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    throw std::runtime_error("bind failed: " + s);
  }
}

notify_socket::~notify_socket() {
  if (fd_ >= 0) ::close(fd_);
}

bool notify_socket::wait_for(std::string_view line, std::chrono::milliseconds within) {
  auto has_line = [line](std::string_view datagram) {
    while (!datagram.empty()) {
      const auto nl = datagram.find('\n');
      if (datagram.substr(0, nl) == line) return true;
      if (nl == std::string_view::npos) break;
      datagram.remove_prefix(nl + 1);
    }
    return false;
  };
  for (const auto& d : received_) {
    if (has_line(d)) return true;
  }
  const auto deadline = clock::now() + within;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    std::array<char, 4096> buf{};
    const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    received_.emplace_back(buf.data(), static_cast<std::size_t>(n));
    if (has_line(received_.back())) return true;
  }
}

daemon_process::daemon_process(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!inherited_variable_dropped(*e)) env_strings.emplace_back(*e);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings{RCVAULT_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
  }
  stderr_fd_ = pipe_fds[0];
}

daemon_process::~daemon_process() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

std::optional<std::string> daemon_process::wait_for_line(std::string_view needle,
                                                         std::chrono::milliseconds within) {
  for (const auto& l : log_) {
    if (l.find(needle) != std::string::npos) return l;
  }
  const auto deadline = clock::now() + within;
  while (stderr_fd_ >= 0) {
    pollfd p{stderr_fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    std::array<char, 4096> buf{};
    const auto n = ::read(stderr_fd_, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(stderr_fd_);
      stderr_fd_ = -1;
      break;
    }
    partial_.append(buf.data(), static_cast<std::size_t>(n));
    std::size_t nl = 0;
    std::optional<std::string> found;
    while ((nl = partial_.find('\n')) != std::string::npos) {
      log_.push_back(partial_.substr(0, nl));
      partial_.erase(0, nl + 1);
      if (!found && log_.back().find(needle) != std::string::npos) found = log_.back();
    }
    if (found) return found;
  }
  return std::nullopt;
}

void daemon_process::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

std::optional<int> daemon_process::wait_exit(std::chrono::milliseconds within) {
  if (reaped_) return std::nullopt;
  // A pidfd becomes readable when the child exits: poll it with the deadline
  // instead of sleeping between waitpid calls.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd < 0) return std::nullopt;
  pollfd p{pidfd, POLLIN, 0};
  int r = 0;
  const auto deadline = clock::now() + within;
  do {
    r = ::poll(&p, 1, remaining_ms(deadline));
  } while (r < 0 && errno == EINTR);
  ::close(pidfd);
  if (r <= 0) return std::nullopt;
  int status = 0;
  if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  reaped_ = true;
  // Keep what it wrote last (the shutdown lines) in log().
  (void)wait_for_line("\n", std::chrono::milliseconds{0});
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return std::nullopt;
}

std::optional<listening_ports> parse_listening(std::string_view line) {
  auto port_of = [line](std::string_view key) -> std::optional<std::uint16_t> {
    const auto at = line.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    auto rest = line.substr(at + key.size());
    rest = rest.substr(0, rest.find(' '));
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    unsigned long port = 0;
    for (char c : rest.substr(colon + 1)) {
      if (c < '0' || c > '9') return std::nullopt;
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) return std::nullopt;
    }
    return static_cast<std::uint16_t>(port);
  };
  const auto ingest = port_of("ingest=");
  const auto query = port_of("query=");
  if (!ingest || !query) return std::nullopt;
  return listening_ports{*ingest, *query};
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace rcvault::test
