// HTTPS to the fake with its throwaway CA (docs/sync.md, "Connection"): the
// certificate and host name are verified, a CA that did not sign it fails.
#include "client_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

using namespace rcvault;
using namespace rcvault::test;
using ringcentral::client;
using ringcentral::rate_group;
namespace asio = boost::asio;

TEST(Tls, VerifiesTheServerWithTheConfiguredCa) {
  temp_dir dir;
  fake_process fake(high_limits(), fake_process::transport::https, dir.path());
  ASSERT_EQ(fake.base().rfind("https://", 0), 0u);
  asio::io_context io;
  client api(io, fake_options(fake));
  for (int i = 0; i < 2; ++i) {
    auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
  }
  EXPECT_EQ(fake.requests("^/restapi/v1.0/").size(), 2u);
}

TEST(Tls, HostNameIsCheckedAgainstTheCertificate) {
  temp_dir dir;
  fake_process fake(high_limits(), fake_process::transport::https, dir.path());
  asio::io_context io;
  // The certificate names localhost and 127.0.0.1: both pass.
  auto opts = fake_options(fake);
  opts.server = "https://localhost:" + std::to_string(fake.port());
  client by_name(io, opts);
  auto r = run(io, by_name.ensure_token());
  EXPECT_TRUE(r) << r.error().message;
}

TEST(Tls, AnotherCaFailsVerification) {
  temp_dir dir;
  fake_process fake(high_limits(), fake_process::transport::https, dir.path());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.ca_file = fake.other_ca();
  opts.max_attempts = 1;
  client api(io, opts);
  auto r = run(io, api.get(own_extension, rate_group::light, own_extension_template));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "tls");
  EXPECT_TRUE(fake.requests().empty()) << "no request may reach an unverified server";
}

TEST(Tls, WithoutTheCaTheSystemStoreDoesNotTrustTheFake) {
  temp_dir dir;
  fake_process fake(high_limits(), fake_process::transport::https, dir.path());
  asio::io_context io;
  auto opts = fake_options(fake);
  opts.ca_file.reset();
  opts.max_attempts = 1;
  client api(io, opts);
  auto r = run(io, api.ensure_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "tls");
}

TEST(Tls, UnreadableCaFileFailsEveryCall) {
  asio::io_context io;
  ringcentral::client_options opts;
  opts.server = "https://127.0.0.1:1";
  opts.ca_file = "/nonexistent/ca.pem";
  client api(io, opts);
  auto r = run(io, api.ensure_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "tls");
  EXPECT_NE(r.error().message.find("ca_file"), std::string::npos);
}
