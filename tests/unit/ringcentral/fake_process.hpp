#pragma once
// The fake RingCentral (tests/fake_ringcentral) as a child process of a test:
// started on port 0 (with --tls, its throwaway CA), driven through its
// /_fake/ control API, stopped with SIGTERM on destruction. Its stdin is a
// pipe from the test, so a test that dies takes the fake with it.

#include <boost/json/value.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::test {

// The fake's fixed credentials (its defaults).
inline constexpr std::string_view fake_client_id = "fake-client-id";
inline constexpr std::string_view fake_client_secret = "fake-client-secret";
inline constexpr std::string_view fake_jwt = "fake.jwt.assertion";

class fake_process {
 public:
  enum class transport { http, https };
  // Starts the fake with `args` (e.g. "--issue-refresh-tokens") and waits for
  // its first line; throws std::runtime_error when it does not start. With
  // https the CA files are written into `tls_dir`.
  fake_process(std::vector<std::string> args, transport t = transport::http, std::filesystem::path tls_dir = {});
  ~fake_process();
  fake_process(const fake_process&) = delete;
  fake_process& operator=(const fake_process&) = delete;

  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
  const std::string& base() const noexcept { return base_; }
  std::uint16_t port() const noexcept { return port_; }
  // The fake's CA (https only), and an unrelated CA next to it.
  std::filesystem::path ca() const { return ca_; }
  std::filesystem::path other_ca() const { return ca_.parent_path() / "other-ca.pem"; }

  // A control call; returns the JSON answer. Throws on a non-2xx answer.
  boost::json::value control(std::string_view method, std::string_view path, std::string_view json_body = "{}");
  // The request log entries whose path matches `path_regex` (all when empty).
  std::vector<boost::json::object> requests(std::string_view path_regex = "") ;

 private:
  int pid_ = -1;
  int stdin_fd_ = -1;
  std::string base_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::filesystem::path ca_;
};

}  // namespace rcvault::test
