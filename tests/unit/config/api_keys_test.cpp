// The [ringcentral] and [sync] keys: defaults, every layer, secrets and credentials,
// and the errors a user meets (docs/configuration.md, docs/sync.md).
#include "rcvault/config/load.hpp"
#include "load_result.hpp"
#include "temp_dir.hpp"
#include "write_file.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace rcvault::config;
using namespace std::chrono;
using rcvault::test::temp_dir;
using rcvault::test::error_of;
using rcvault::test::load_ok;
using rcvault::test::write_file;
using strings = std::vector<std::string>;

// The three settings that make the API configured, from the environment.
environment api_env() {
  return {{"RCVAULT_RINGCENTRAL_CLIENT_ID", "app-id"},
          {"RCVAULT_RINGCENTRAL_CLIENT_SECRET", "client-secret-value"},
          {"RCVAULT_RINGCENTRAL_JWT", "eyJ.jwt-value.sig"}};
}

TEST(ConfigApiKeys, DefaultsLeaveTheApiUnconfigured) {
  const config c = load_ok({});
  EXPECT_FALSE(c.ringcentral.configured());
  EXPECT_EQ(c.ringcentral.server, "https://platform.ringcentral.com");
  EXPECT_FALSE(c.ringcentral.client_secret);
  EXPECT_FALSE(c.ringcentral.jwt);
  EXPECT_FALSE(c.ringcentral.ca_file);
  EXPECT_EQ(c.ringcentral.light_per_minute, 40u);
  EXPECT_EQ(c.ringcentral.medium_per_minute, 30u);
  EXPECT_EQ(c.sync.extensions, strings{"~"});
  EXPECT_FALSE(c.sync.all_extensions());
  EXPECT_EQ(c.sync.interval, seconds{300});
  EXPECT_EQ(c.sync.since, sys_days{year{2000} / 1 / 1});
}

TEST(ConfigApiKeys, FileSetsEveryKey) {
  temp_dir dir;
  write_file(dir / "secret", "file-secret\n");
  write_file(dir / "jwt", "file.jwt.value\n");
  write_file(dir / "ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const auto file = write_file(dir / "rcvault.toml", "[ringcentral]\n"
                                                     "server = \"https://platform.devtest.ringcentral.com/\"\n"
                                                     "client_id = \"app-id\"\n"
                                                     "client_secret_file = \"" + (dir / "secret").string() + "\"\n"
                                                     "jwt_file = \"" + (dir / "jwt").string() + "\"\n"
                                                     "ca_file = \"" + (dir / "ca.pem").string() + "\"\n"
                                                     "light_per_minute = 120\n"
                                                     "medium_per_minute = 7\n"
                                                     "[sync]\n"
                                                     "extensions = [\"101\", 9007199254740993]\n"
                                                     "interval_seconds = 5\n"
                                                     "since = 2024-05-01\n");
  const config c = load_ok({.file = file});
  EXPECT_TRUE(c.ringcentral.configured());
  EXPECT_EQ(c.ringcentral.server, "https://platform.devtest.ringcentral.com");  // trailing '/' dropped
  EXPECT_EQ(c.ringcentral.client_id, "app-id");
  EXPECT_EQ(c.ringcentral.client_secret, "file-secret");
  EXPECT_EQ(c.ringcentral.jwt, "file.jwt.value");
  EXPECT_EQ(c.ringcentral.ca_file, dir / "ca.pem");
  EXPECT_EQ(c.ringcentral.light_per_minute, 120u);
  EXPECT_EQ(c.ringcentral.medium_per_minute, 7u);
  // An id beyond 2^53 as a TOML integer keeps every digit.
  EXPECT_EQ(c.sync.extensions, (strings{"101", "9007199254740993"}));
  EXPECT_EQ(c.sync.interval, seconds{5});
  EXPECT_EQ(c.sync.since, sys_days{year{2024} / 5 / 1});
}

TEST(ConfigApiKeys, EnvironmentSetsEveryKeyAndSplitsLists) {
  environment env = api_env();
  env["RCVAULT_RINGCENTRAL_SERVER"] = "http://127.0.0.1:9999";
  env["RCVAULT_RINGCENTRAL_LIGHT_PER_MINUTE"] = "600";
  env["RCVAULT_RINGCENTRAL_MEDIUM_PER_MINUTE"] = "60";
  env["RCVAULT_SYNC_EXTENSIONS"] = "101, 102,103";
  env["RCVAULT_SYNC_INTERVAL_SECONDS"] = "2";
  env["RCVAULT_SYNC_SINCE"] = "2025-01-02T03:04:05.678+01:00";
  const config c = load_ok({.env = env});
  EXPECT_EQ(c.ringcentral.server, "http://127.0.0.1:9999");
  EXPECT_EQ(c.ringcentral.client_id, "app-id");
  EXPECT_EQ(c.ringcentral.client_secret, "client-secret-value");
  EXPECT_EQ(c.ringcentral.jwt, "eyJ.jwt-value.sig");
  EXPECT_EQ(c.ringcentral.light_per_minute, 600u);
  EXPECT_EQ(c.ringcentral.medium_per_minute, 60u);
  EXPECT_EQ(c.sync.extensions, (strings{"101", "102", "103"}));
  EXPECT_EQ(c.sync.interval, seconds{2});
  EXPECT_EQ(c.sync.since, sys_days{year{2025} / 1 / 2} + hours{2} + minutes{4} + seconds{5} + milliseconds{678});
}

TEST(ConfigApiKeys, ExtensionFlagsWinOverEnvironmentAndFile) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[sync]\nextensions = \"all\"\n");
  environment env{{"RCVAULT_SYNC_EXTENSIONS", "~"}};
  EXPECT_TRUE(load_ok({.file = file}).sync.all_extensions());
  EXPECT_EQ(load_ok({.file = file, .env = env}).sync.extensions, strings{"~"});
  const config c = load_ok({.file = file, .env = env, .flags = {.extensions = {"7", "8", "7"}}});
  EXPECT_EQ(c.sync.extensions, (strings{"7", "8"}));  // a repeated id is synced once
}

TEST(ConfigApiKeys, SinceTakesTomlDateTimesAndStrings) {
  temp_dir dir;
  const auto at = [&](std::string_view since) {
    return load_ok({.file = write_file(dir / "rcvault.toml", "[sync]\nsince = " + std::string(since) + "\n")}).sync.since;
  };
  EXPECT_EQ(at("2024-02-29T23:30:00Z"), sys_days{year{2024} / 2 / 29} + hours{23} + minutes{30});
  EXPECT_EQ(at("2024-02-29T23:30:00-02:00"), sys_days{year{2024} / 3 / 1} + hours{1} + minutes{30});
  EXPECT_EQ(at("2024-02-29T23:30:00"), sys_days{year{2024} / 2 / 29} + hours{23} + minutes{30});  // no offset: UTC
  EXPECT_EQ(at("\"2024-02-29\""), sys_days{year{2024} / 2 / 29});
  EXPECT_EQ(at("\"2024-02-29 23:30\""), sys_days{year{2024} / 2 / 29} + hours{23} + minutes{30});
}

TEST(ConfigApiKeys, BadSinceIsNamed) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_SYNC_SINCE", "2023-02-29"}}}),
            "environment RCVAULT_SYNC_SINCE: expected a date \"YYYY-MM-DD\" or date-time \"YYYY-MM-DDTHH:MM:SSZ\", got "
            "'2023-02-29'");
  EXPECT_NE(error_of({.env = {{"RCVAULT_SYNC_SINCE", "yesterday"}}}), "(no error)");
  EXPECT_NE(error_of({.env = {{"RCVAULT_SYNC_SINCE", "2024-01-01T25:00Z"}}}), "(no error)");
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[sync]\nsince = 2024\n");
  EXPECT_EQ(error_of({.file = file}), "config " + file.string() + ": sync.since: expected a date or a string, got an integer (line 2)");
}

TEST(ConfigApiKeys, NonLoopbackHttpServerIsAConfigurationErrorNamingTheKey) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_SERVER", "http://platform.ringcentral.com"}}}),
            "environment RCVAULT_RINGCENTRAL_SERVER: http:// is allowed only for a loopback host (127.0.0.1, [::1], "
            "localhost); use https://, got 'http://platform.ringcentral.com'");
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[ringcentral]\nserver = \"http://10.0.0.1:8080\"\n");
  EXPECT_EQ(error_of({.file = file}), "config " + file.string() + ": ringcentral.server: http:// is allowed only for a "
                                      "loopback host (127.0.0.1, [::1], localhost); use https://, got "
                                      "'http://10.0.0.1:8080' (line 2)");
}

TEST(ConfigApiKeys, LoopbackHttpServersAreAllowed) {
  for (const std::string server : {"http://127.0.0.1:1", "http://127.1.2.3", "http://[::1]:8443", "http://localhost:80"}) {
    EXPECT_EQ(load_ok({.env = {{"RCVAULT_RINGCENTRAL_SERVER", server}}}).ringcentral.server, server);
  }
}

TEST(ConfigApiKeys, ServerMustBeSchemeHostAndPort) {
  for (const std::string bad : {"platform.ringcentral.com", "ftp://x", "https://", "https://x/restapi", "https://x:0",
                                "https://x:99999", "https://u@x", "https://[::1", "https://x?y"}) {
    const std::string error = error_of({.env = {{"RCVAULT_RINGCENTRAL_SERVER", bad}}});
    EXPECT_TRUE(error.starts_with("environment RCVAULT_RINGCENTRAL_SERVER: ")) << bad << ": " << error;
  }
}

TEST(ConfigApiKeys, ClientIdWithoutSecretOrJwtIsAnError) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_CLIENT_ID", "app-id"}, {"RCVAULT_RINGCENTRAL_JWT", "j"}}}),
            "ringcentral.client_id is set without a client secret: set ringcentral.client_secret or "
            "ringcentral.client_secret_file, or the systemd credential ringcentral-client-secret");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_CLIENT_ID", "app-id"}, {"RCVAULT_RINGCENTRAL_CLIENT_SECRET", "s"}}}),
            "ringcentral.client_id is set without a JWT: set ringcentral.jwt or ringcentral.jwt_file, or the systemd "
            "credential ringcentral-jwt");
}

TEST(ConfigApiKeys, SecretWithoutClientIdIsAnError) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_JWT", "j"}}}), "ringcentral.jwt is set without ringcentral.client_id");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_CLIENT_SECRET", "s"}}}),
            "ringcentral.client_secret is set without ringcentral.client_id");
}

TEST(ConfigApiKeys, SystemdCredentialsSupplyBothSecrets) {
  temp_dir creds;
  write_file(creds / "ringcentral-client-secret", "cred-secret\n");
  write_file(creds / "ringcentral-jwt", "cred.jwt\n");
  const config c = load_ok({.env = {{"RCVAULT_RINGCENTRAL_CLIENT_ID", "app-id"}, {"CREDENTIALS_DIRECTORY", creds.path().string()}}});
  EXPECT_EQ(c.ringcentral.client_secret, "cred-secret");
  EXPECT_EQ(c.ringcentral.jwt, "cred.jwt");
  // Credentials offered by the unit to an installation without client_id change nothing.
  const config plain = load_ok({.env = {{"CREDENTIALS_DIRECTORY", creds.path().string()}}});
  EXPECT_FALSE(plain.ringcentral.configured());
}

TEST(ConfigApiKeys, ConfiguredSecretWinsOverCredential) {
  temp_dir creds;
  write_file(creds / "ringcentral-jwt", "cred.jwt\n");
  environment env = api_env();
  env["CREDENTIALS_DIRECTORY"] = creds.path().string();
  EXPECT_EQ(load_ok({.env = env}).ringcentral.jwt, "eyJ.jwt-value.sig");
}

TEST(ConfigApiKeys, SecretAndSecretFileInOneLayerIsAnError) {
  environment env = api_env();
  env["RCVAULT_RINGCENTRAL_JWT_FILE"] = "/run/jwt";
  EXPECT_EQ(error_of({.env = env}),
            "environment: both RCVAULT_RINGCENTRAL_JWT and RCVAULT_RINGCENTRAL_JWT_FILE are set; set only one");
}

TEST(ConfigApiKeys, ErrorsNeverQuoteASecret) {
  temp_dir dir;
  const auto jwt_file = write_file(dir / "jwt", "line-one-secret\nline-two-secret\n");
  environment env = api_env();
  env.erase("RCVAULT_RINGCENTRAL_JWT");
  env["RCVAULT_RINGCENTRAL_JWT_FILE"] = jwt_file.string();
  const std::string error = error_of({.env = env});
  EXPECT_EQ(error, "environment RCVAULT_RINGCENTRAL_JWT_FILE: token file '" + jwt_file.string() +
                       "' must be one line without control characters");
  env.erase("RCVAULT_RINGCENTRAL_JWT_FILE");
  env["RCVAULT_RINGCENTRAL_CLIENT_SECRET"] = "bad\tsecret-value";
  env["RCVAULT_RINGCENTRAL_JWT"] = "eyJ.jwt-value.sig";
  const std::string inline_error = error_of({.env = env});
  EXPECT_EQ(inline_error, "environment RCVAULT_RINGCENTRAL_CLIENT_SECRET: must be one line without control characters");
}

TEST(ConfigApiKeys, BadExtensionsAreNamed) {
  const auto error = [](std::string text) { return error_of({.env = {{"RCVAULT_SYNC_EXTENSIONS", text}}}); };
  EXPECT_EQ(error("all,101"), "environment RCVAULT_SYNC_EXTENSIONS: \"all\" cannot be combined with other extensions");
  EXPECT_EQ(error("101,~"), "environment RCVAULT_SYNC_EXTENSIONS: \"~\" cannot be combined with other extensions");
  EXPECT_EQ(error("101,,102"),
            "environment RCVAULT_SYNC_EXTENSIONS: expected \"~\", \"all\" or an extension id (digits), got ''");
  EXPECT_EQ(error("ext-1"),
            "environment RCVAULT_SYNC_EXTENSIONS: expected \"~\", \"all\" or an extension id (digits), got 'ext-1'");
  EXPECT_NE(error("9223372036854775808"), "(no error)");  // beyond int64
  EXPECT_EQ(error_of({.flags = {.extensions = {"abc"}}}),
            "--extension: expected \"~\", \"all\" or an extension id (digits), got 'abc'");
  temp_dir dir;
  const auto empty = write_file(dir / "rcvault.toml", "[sync]\nextensions = []\n");
  EXPECT_EQ(error_of({.file = empty}), "config " + empty.string() +
                                           ": sync.extensions: names no extension; expected \"~\", \"all\" or extension "
                                           "ids (line 2)");
  const auto floats = write_file(dir / "rcvault.toml", "[sync]\nextensions = [1.5]\n");
  EXPECT_EQ(error_of({.file = floats}), "config " + floats.string() +
                                            ": sync.extensions: expected an array of strings and integers, got an "
                                            "array holding a floating-point number (line 2)");
}

TEST(ConfigApiKeys, CeilingsAndIntervalStartAtOne) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_LIGHT_PER_MINUTE", "0"}}}),
            "environment RCVAULT_RINGCENTRAL_LIGHT_PER_MINUTE: must be between 1 and 1000000, got 0");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_SYNC_INTERVAL_SECONDS", "0"}}}),
            "environment RCVAULT_SYNC_INTERVAL_SECONDS: must be between 1 and 2147483647, got 0");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_MEDIUM_PER_MINUTE", "many"}}}),
            "environment RCVAULT_RINGCENTRAL_MEDIUM_PER_MINUTE: expected an integer, got 'many'");
}

TEST(ConfigApiKeys, CaFileMustBeAReadablePemBundle) {
  temp_dir dir;
  const auto missing = dir / "none.pem";
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_CA_FILE", missing.string()}}}),
            "environment RCVAULT_RINGCENTRAL_CA_FILE: cannot read '" + missing.string() + "': No such file or directory");
  const auto not_pem = write_file(dir / "ca.txt", "hello\n");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RINGCENTRAL_CA_FILE", not_pem.string()}}}),
            "environment RCVAULT_RINGCENTRAL_CA_FILE: '" + not_pem.string() + "' holds no PEM certificate");
}

TEST(ConfigApiKeys, UnknownKeyInTheNewSectionsIsNamed) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[sync]\ninterval = 5\n");
  EXPECT_EQ(error_of({.file = file}), "config " + file.string() + ": unknown key 'sync.interval' (line 2)");
}

}  // namespace
