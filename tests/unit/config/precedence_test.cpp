// Each layer over the next: flags > environment > file > defaults.
#include "rcvault/config/load.hpp"
#include "load_result.hpp"
#include "temp_dir.hpp"
#include "write_file.hpp"

#include <gtest/gtest.h>

namespace {

using namespace rcvault::config;
using rcvault::test::temp_dir;
using rcvault::test::load_ok;
using rcvault::test::write_file;

TEST(ConfigPrecedence, DefaultsWhenNothingIsSet) {
  const config c = load_ok({});
  EXPECT_EQ(c.store.path, "./var/rcvault.db");
  EXPECT_EQ(c.store.synchronous, synchronous_mode::full);
  EXPECT_EQ(c.store.batch_max, 512u);
  EXPECT_EQ(c.store.queue_max, 8192u);
  EXPECT_EQ(c.ingest.listen, (listen_address{"127.0.0.1", 8080, {}}));
  EXPECT_EQ(c.ingest.path, "/webhook");
  EXPECT_FALSE(c.ingest.verification_token);
  EXPECT_EQ(c.ingest.max_body_bytes, 1048576u);
  EXPECT_EQ(c.query.listen, (listen_address{"127.0.0.1", 8081, {}}));
  EXPECT_FALSE(c.query.token);
  EXPECT_EQ(c.http.read_timeout, std::chrono::seconds{10});
  EXPECT_EQ(c.http.max_connections, 1024u);
  EXPECT_EQ(c.log.level, "info");
}

TEST(ConfigPrecedence, FileSetsEveryKey) {
  temp_dir dir;
  write_file(dir / "query-token", "q-secret\n");
  const auto file = write_file(dir / "rcvault.toml", R"(
[store]
path = "/srv/rcvault/a.db"
synchronous = "normal"
batch_max = 64
queue_max = 100

[ingest]
listen = "0.0.0.0:9080"
path = "/hooks/rc"
verification_token = "v-secret"
max_body_bytes = 2048

[query]
listen = "unix:/run/rcvault/query.sock"
token_file = ")" + (dir / "query-token").string() + R"("

[http]
read_timeout_seconds = 3
max_connections = 7

[log]
level = "debug"
)");
  const config c = load_ok({.file = file});
  EXPECT_EQ(c.store.path, "/srv/rcvault/a.db");
  EXPECT_EQ(c.store.synchronous, synchronous_mode::normal);
  EXPECT_EQ(c.store.batch_max, 64u);
  EXPECT_EQ(c.store.queue_max, 100u);
  EXPECT_EQ(c.ingest.listen, (listen_address{"0.0.0.0", 9080, {}}));
  EXPECT_EQ(c.ingest.path, "/hooks/rc");
  EXPECT_EQ(c.ingest.verification_token, "v-secret");
  EXPECT_EQ(c.ingest.max_body_bytes, 2048u);
  EXPECT_EQ(c.query.listen.unix_path, "/run/rcvault/query.sock");
  EXPECT_EQ(c.query.token, "q-secret");
  EXPECT_EQ(c.http.read_timeout, std::chrono::seconds{3});
  EXPECT_EQ(c.http.max_connections, 7u);
  EXPECT_EQ(c.log.level, "debug");
}

TEST(ConfigPrecedence, EnvironmentSetsEveryKey) {
  temp_dir dir;
  write_file(dir / "verification-token", "v-secret");
  const environment env{
      {"RCVAULT_STORE_PATH", "/e/a.db"},
      {"RCVAULT_STORE_SYNCHRONOUS", "normal"},
      {"RCVAULT_STORE_BATCH_MAX", "32"},
      {"RCVAULT_STORE_QUEUE_MAX", "64"},
      {"RCVAULT_INGEST_LISTEN", "[::]:0"},
      {"RCVAULT_INGEST_PATH", "/rc"},
      {"RCVAULT_INGEST_VERIFICATION_TOKEN_FILE", (dir / "verification-token").string()},
      {"RCVAULT_INGEST_MAX_BODY_BYTES", "4096"},
      {"RCVAULT_QUERY_LISTEN", "127.0.0.1:0"},
      {"RCVAULT_QUERY_TOKEN", "q-secret"},
      {"RCVAULT_HTTP_READ_TIMEOUT_SECONDS", "5"},
      {"RCVAULT_HTTP_MAX_CONNECTIONS", "9"},
      {"RCVAULT_LOG_LEVEL", "warning"},
  };
  const config c = load_ok({.env = env});
  EXPECT_EQ(c.store.path, "/e/a.db");
  EXPECT_EQ(c.store.synchronous, synchronous_mode::normal);
  EXPECT_EQ(c.store.batch_max, 32u);
  EXPECT_EQ(c.store.queue_max, 64u);
  EXPECT_EQ(c.ingest.listen, (listen_address{"::", 0, {}}));
  EXPECT_EQ(c.ingest.path, "/rc");
  EXPECT_EQ(c.ingest.verification_token, "v-secret");
  EXPECT_EQ(c.ingest.max_body_bytes, 4096u);
  EXPECT_EQ(c.query.listen, (listen_address{"127.0.0.1", 0, {}}));
  EXPECT_EQ(c.query.token, "q-secret");
  EXPECT_EQ(c.http.read_timeout, std::chrono::seconds{5});
  EXPECT_EQ(c.http.max_connections, 9u);
  EXPECT_EQ(c.log.level, "warning");
}

TEST(ConfigPrecedence, FileKeepsDefaultsOfKeysItLacks) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[http]\nread_timeout_seconds = 3\n");
  const config c = load_ok({.file = file});
  EXPECT_EQ(c.http.read_timeout, std::chrono::seconds{3});
  EXPECT_EQ(c.http.max_connections, 1024u);
  EXPECT_EQ(c.store.path, "./var/rcvault.db");
}

TEST(ConfigPrecedence, EnvironmentOverridesFile) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[store]\npath = \"/file.db\"\nbatch_max = 10\n");
  const config c = load_ok({.file = file, .env = {{"RCVAULT_STORE_PATH", "/env.db"}}});
  EXPECT_EQ(c.store.path, "/env.db");
  EXPECT_EQ(c.store.batch_max, 10u);
}

TEST(ConfigPrecedence, DbFlagOverridesEnvironmentAndFile) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[store]\npath = \"/file.db\"\n");
  const config c = load_ok({.file = file, .env = {{"RCVAULT_STORE_PATH", "/env.db"}}, .flags = {.db = "/flag.db"}});
  EXPECT_EQ(c.store.path, "/flag.db");
}

TEST(ConfigPrecedence, ListenFlagsOverrideEnvironment) {
  const config c = load_ok({.env = {{"RCVAULT_INGEST_LISTEN", "127.0.0.1:1"}, {"RCVAULT_QUERY_LISTEN", "127.0.0.1:2"}},
                            .flags = {.ingest_listen = "127.0.0.1:3", .query_listen = "unix:/run/q.sock"}});
  EXPECT_EQ(c.ingest.listen.port, 3);
  EXPECT_EQ(c.query.listen.unix_path, "/run/q.sock");
}

TEST(ConfigPrecedence, EnvironmentTokenFileReplacesFileToken) {
  temp_dir dir;
  write_file(dir / "token", "from-env-file\n");
  const auto file = write_file(dir / "rcvault.toml", "[ingest]\nverification_token = \"from-config\"\n");
  const config c =
      load_ok({.file = file, .env = {{"RCVAULT_INGEST_VERIFICATION_TOKEN_FILE", (dir / "token").string()}}});
  EXPECT_EQ(c.ingest.verification_token, "from-env-file");
}

TEST(ConfigPrecedence, VariablesOutsideRcvaultAreIgnored) {
  const config c = load_ok({.env = {{"HOME", "/root"}, {"RCVAULTX", "1"}, {"CREDENTIALS_DIRECTORY", ""}}});
  EXPECT_EQ(c.store.path, "./var/rcvault.db");
}

}  // namespace
