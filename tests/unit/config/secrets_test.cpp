// Tokens: inline, from files, from systemd credentials; never quoted in an error.
#include "rcvault/config/load.hpp"
#include "load_result.hpp"
#include "temp_dir.hpp"
#include "write_file.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace rcvault::config;
using rcvault::test::temp_dir;
using rcvault::test::error_of;
using rcvault::test::write_file;

TEST(ConfigSecrets, TokenFileIsReadWithoutTrailingNewline) {
  temp_dir dir;
  const auto token = write_file(dir / "token", "abc123\r\n");
  auto r = load({.env = {{"RCVAULT_INGEST_VERIFICATION_TOKEN_FILE", token.string()}}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ingest.verification_token, "abc123");
}

TEST(ConfigSecrets, MissingTokenFileNamesKeyFileAndLine) {
  temp_dir dir;
  const auto missing = dir / "no-such-token";
  const auto file = write_file(dir / "rcvault.toml", "[ingest]\nverification_token_file = \"" + missing.string() + "\"\n");
  EXPECT_EQ(error_of({.file = file}), "config " + file.string() + ": ingest.verification_token_file: cannot read '" +
                                          missing.string() + "': No such file or directory (line 2)");
}

TEST(ConfigSecrets, DirectoryAsTokenFileIsNamed) {
  temp_dir dir;
  EXPECT_EQ(error_of({.env = {{"RCVAULT_QUERY_TOKEN_FILE", dir.path().string()}}}),
            "environment RCVAULT_QUERY_TOKEN_FILE: cannot read '" + dir.path().string() + "': is a directory");
}

TEST(ConfigSecrets, EmptyTokenFileIsAnError) {
  temp_dir dir;
  const auto token = write_file(dir / "token", "\n");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_QUERY_TOKEN_FILE", token.string()}}}),
            "environment RCVAULT_QUERY_TOKEN_FILE: token file '" + token.string() + "' is empty");
}

TEST(ConfigSecrets, EmptyTokenFileNameIsAnError) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_QUERY_TOKEN_FILE", ""}}}), "environment RCVAULT_QUERY_TOKEN_FILE: must not be empty");
}

TEST(ConfigSecrets, TokenAndTokenFileInOneFileIsAnError) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[query]\ntoken = \"t\"\ntoken_file = \"/run/t\"\n");
  EXPECT_EQ(error_of({.file = file}),
            "config " + file.string() + ": both 'query.token' and 'query.token_file' are set; set only one");
}

TEST(ConfigSecrets, TokenAndTokenFileInEnvironmentIsAnError) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_INGEST_VERIFICATION_TOKEN", "t"}, {"RCVAULT_INGEST_VERIFICATION_TOKEN_FILE", "/t"}}}),
            "environment: both RCVAULT_INGEST_VERIFICATION_TOKEN and RCVAULT_INGEST_VERIFICATION_TOKEN_FILE are set; "
            "set only one");
}

TEST(ConfigSecrets, CredentialsDirectoryProvidesVerificationToken) {
  temp_dir dir;
  write_file(dir / "verification-token", "from-systemd\n");
  auto r = load({.env = {{"CREDENTIALS_DIRECTORY", dir.path().string()}}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ingest.verification_token, "from-systemd");
  EXPECT_FALSE(r->query.token);
}

TEST(ConfigSecrets, CredentialsDirectoryProvidesQueryToken) {
  temp_dir dir;
  write_file(dir / "query-token", "q-from-systemd");
  auto r = load({.env = {{"CREDENTIALS_DIRECTORY", dir.path().string()}}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->query.token, "q-from-systemd");
  EXPECT_FALSE(r->ingest.verification_token);
}

TEST(ConfigSecrets, ConfiguredTokenWinsOverCredential) {
  temp_dir dir;
  write_file(dir / "verification-token", "from-systemd");
  auto r = load({.env = {{"CREDENTIALS_DIRECTORY", dir.path().string()}, {"RCVAULT_INGEST_VERIFICATION_TOKEN", "configured"}}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ingest.verification_token, "configured");
}

TEST(ConfigSecrets, EmptyCredentialIsAnError) {
  temp_dir dir;
  const auto token = write_file(dir / "verification-token", "");
  EXPECT_EQ(error_of({.env = {{"CREDENTIALS_DIRECTORY", dir.path().string()}}}),
            "credential verification-token: token file '" + token.string() + "' is empty");
}

TEST(ConfigSecrets, InlineSecretIsNeverQuotedInAnError) {
  const std::string error = error_of({.env = {{"RCVAULT_QUERY_TOKEN", "hunter2\nsecond-line"}}});
  EXPECT_EQ(error, "environment RCVAULT_QUERY_TOKEN: must be one line without control characters");
}

TEST(ConfigSecrets, TokenFileContentIsNeverQuotedInAnError) {
  temp_dir dir;
  const auto token = write_file(dir / "token", "hunter2\nsecond-line\n");
  const std::string error = error_of({.env = {{"RCVAULT_INGEST_VERIFICATION_TOKEN_FILE", token.string()}}});
  EXPECT_NE(error.find("must be one line without control characters"), std::string::npos) << error;
  EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
}

}  // namespace
