#include "rcvault/config/load.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using rcvault::config::listen_address;
using rcvault::config::parse_listen_address;
using rcvault::config::unix_socket;

std::string error_of(std::string_view text, unix_socket unix = unix_socket::allowed) {
  auto r = parse_listen_address(text, unix);
  return r ? std::string("(no error)") : r.error().message;
}

TEST(ListenAddress, ParsesIpv4HostAndPort) {
  auto r = parse_listen_address("127.0.0.1:8080", unix_socket::refused);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, (listen_address{"127.0.0.1", 8080, {}}));
}

TEST(ListenAddress, ParsesBracketedIpv6) {
  auto r = parse_listen_address("[::1]:9000", unix_socket::refused);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, (listen_address{"::1", 9000, {}}));
}

TEST(ListenAddress, ParsesUnixSocketPath) {
  auto r = parse_listen_address("unix:/run/rcvault/query.sock", unix_socket::allowed);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->is_unix());
  EXPECT_EQ(r->unix_path, "/run/rcvault/query.sock");
}

TEST(ListenAddress, PortZeroMeansEphemeral) {
  auto r = parse_listen_address("0.0.0.0:0", unix_socket::refused);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->port, 0);
}

TEST(ListenAddress, RejectsMissingPort) {
  EXPECT_EQ(error_of("127.0.0.1", unix_socket::refused),
            "bad listen address '127.0.0.1': missing ':PORT'; expected HOST:PORT or [IPv6]:PORT");
}

TEST(ListenAddress, RejectsPortAbove65535) {
  EXPECT_EQ(error_of("127.0.0.1:65536"), "bad listen address '127.0.0.1:65536': port '65536' is not a number from 0 to 65535");
}

TEST(ListenAddress, RejectsNonNumericPort) {
  EXPECT_EQ(error_of("127.0.0.1:http"), "bad listen address '127.0.0.1:http': port 'http' is not a number from 0 to 65535");
}

TEST(ListenAddress, RejectsEmptyPort) {
  EXPECT_EQ(error_of("127.0.0.1:"), "bad listen address '127.0.0.1:': port '' is not a number from 0 to 65535");
}

TEST(ListenAddress, RejectsHostName) {
  EXPECT_EQ(error_of("localhost:8080", unix_socket::refused),
            "bad listen address 'localhost:8080': host 'localhost' is not an IP address; expected HOST:PORT or [IPv6]:PORT");
}

TEST(ListenAddress, RejectsMissingHost) {
  EXPECT_EQ(error_of(":8080"), "bad listen address ':8080': missing host; use 0.0.0.0 or [::] for every interface");
}

TEST(ListenAddress, RejectsUnbracketedIpv6) {
  EXPECT_EQ(error_of("::1:8080"), "bad listen address '::1:8080': an IPv6 address needs brackets, as in [::1]:8080");
}

TEST(ListenAddress, RejectsBadIpv6InBrackets) {
  EXPECT_EQ(error_of("[nope]:8080"), "bad listen address '[nope]:8080': 'nope' is not an IPv6 address");
}

TEST(ListenAddress, RejectsRelativeUnixPath) {
  EXPECT_EQ(error_of("unix:run/q.sock"), "bad listen address 'unix:run/q.sock': the unix socket path must be absolute");
}

TEST(ListenAddress, RejectsUnixSocketWhereRefused) {
  EXPECT_EQ(error_of("unix:/run/q.sock", unix_socket::refused),
            "bad listen address 'unix:/run/q.sock': a unix socket is not supported here; expected HOST:PORT or [IPv6]:PORT");
}

TEST(ListenAddress, RejectsUnixPathLongerThanSunPath) {
  const std::string text = "unix:/" + std::string(200, 'a');
  EXPECT_NE(error_of(text).find("the unix socket path is longer than 107 bytes"), std::string::npos) << error_of(text);
}

TEST(ListenAddress, ToStringWritesWhatParses) {
  for (std::string_view text : {"127.0.0.1:8080", "[::1]:0", "unix:/run/q.sock"}) {
    auto r = parse_listen_address(text, unix_socket::allowed);
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(to_string(*r), text);
  }
}

}  // namespace
