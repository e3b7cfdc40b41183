// Every configuration error names the thing at fault: file and line, variable, or flag.
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

// Loads `toml` written to a file in `dir`; returns the error and the file's name.
std::pair<std::string, std::string> file_error(const temp_dir& dir, std::string_view toml) {
  const auto file = write_file(dir / "rcvault.toml", toml);
  return {error_of({.file = file}), file.string()};
}

TEST(ConfigErrors, UnknownKeyNamesFileKeyAndLine) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[ingest]\npath = \"/webhook\"\nlisen = \"127.0.0.1:8080\"\n");
  EXPECT_EQ(error, "config " + file + ": unknown key 'ingest.lisen' (line 3)");
}

TEST(ConfigErrors, UnknownSectionIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[store]\npath = \"/a.db\"\n[stroe]\npath = \"/b.db\"\n");
  EXPECT_EQ(error, "config " + file + ": unknown section 'stroe' (line 3)");
}

TEST(ConfigErrors, TopLevelValueIsAnUnknownKey) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "level = \"debug\"\n");
  EXPECT_EQ(error, "config " + file + ": unknown key 'level' (line 1)");
}

TEST(ConfigErrors, SectionThatIsNotATableIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "log = \"debug\"\n");
  EXPECT_EQ(error, "config " + file + ": log: expected a table, got a string (line 1)");
}

TEST(ConfigErrors, StringForIntegerKeyIsWrongType) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[ingest]\nmax_body_bytes = \"1MB\"\n");
  EXPECT_EQ(error, "config " + file + ": ingest.max_body_bytes: expected an integer, got a string (line 2)");
}

TEST(ConfigErrors, IntegerForStringKeyIsWrongType) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[ingest]\n\nlisten = 8080\n");
  EXPECT_EQ(error, "config " + file + ": ingest.listen: expected a string, got an integer (line 3)");
}

TEST(ConfigErrors, FloatForIntegerKeyIsWrongType) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[http]\nread_timeout_seconds = 2.5\n");
  EXPECT_EQ(error, "config " + file + ": http.read_timeout_seconds: expected an integer, got a floating-point number (line 2)");
}

TEST(ConfigErrors, SyntaxErrorNamesFileLineAndColumn) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[store]\npath = /var/a.db\n");
  EXPECT_TRUE(error.starts_with("config " + file + ": ")) << error;
  EXPECT_NE(error.find("(line 2, column"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(ConfigErrors, MissingConfigFileIsNamed) {
  temp_dir dir;
  const auto file = dir / "absent.toml";
  EXPECT_EQ(error_of({.file = file}), "config " + file.string() + ": cannot read: No such file or directory");
}

TEST(ConfigErrors, DirectoryAsConfigFileIsNamed) {
  temp_dir dir;
  EXPECT_EQ(error_of({.file = dir.path()}), "config " + dir.path().string() + ": cannot read: is a directory");
}

TEST(ConfigErrors, OutOfRangeIntegerIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[store]\nbatch_max = 0\n");
  EXPECT_EQ(error, "config " + file + ": store.batch_max: must be between 1 and 100000, got 0 (line 2)");
}

TEST(ConfigErrors, BadSynchronousModeIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[store]\nsynchronous = \"off\"\n");
  EXPECT_EQ(error, "config " + file + ": store.synchronous: expected 'full' or 'normal', got 'off' (line 2)");
}

TEST(ConfigErrors, BadLogLevelIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[log]\nlevel = \"verbose\"\n");
  EXPECT_EQ(error, "config " + file + ": log.level: expected one of debug, info, warning, error, got 'verbose' (line 2)");
}

TEST(ConfigErrors, IngestPathWithoutLeadingSlashIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[ingest]\npath = \"webhook\"\n");
  EXPECT_EQ(error, "config " + file + ": ingest.path: must start with '/', got 'webhook' (line 2)");
}

TEST(ConfigErrors, BadListenAddressInFileIsNamed) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[query]\nlisten = \"127.0.0.1:99999\"\n");
  EXPECT_EQ(error, "config " + file +
                       ": query.listen: bad listen address '127.0.0.1:99999': port '99999' is not a number from 0 to 65535 (line 2)");
}

TEST(ConfigErrors, UnixSocketForIngestIsRefused) {
  temp_dir dir;
  auto [error, file] = file_error(dir, "[ingest]\nlisten = \"unix:/run/i.sock\"\n");
  EXPECT_NE(error.find("ingest.listen: bad listen address 'unix:/run/i.sock': a unix socket is not supported here"),
            std::string::npos)
      << error;
}

TEST(ConfigErrors, UnknownEnvironmentVariableIsNamed) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_INGEST_LISEN", "127.0.0.1:1"}}}),
            "environment RCVAULT_INGEST_LISEN: names no configuration key");
}

TEST(ConfigErrors, NonIntegerEnvironmentValueIsNamed) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_HTTP_READ_TIMEOUT_SECONDS", "10s"}}}),
            "environment RCVAULT_HTTP_READ_TIMEOUT_SECONDS: expected an integer, got '10s'");
}

TEST(ConfigErrors, OutOfRangeEnvironmentValueIsNamed) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_HTTP_MAX_CONNECTIONS", "0"}}}),
            "environment RCVAULT_HTTP_MAX_CONNECTIONS: must be between 1 and 1000000, got 0");
}

TEST(ConfigErrors, BadListenAddressInEnvironmentIsNamed) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_INGEST_LISTEN", "8080"}}}),
            "environment RCVAULT_INGEST_LISTEN: bad listen address '8080': missing ':PORT'; expected HOST:PORT or [IPv6]:PORT");
}

TEST(ConfigErrors, BadListenFlagNamesTheFlag) {
  EXPECT_EQ(error_of({.flags = {.query_listen = "localhost:8081"}}),
            "--query-listen: bad listen address 'localhost:8081': host 'localhost' is not an IP address; "
            "expected HOST:PORT, [IPv6]:PORT or unix:/absolute/path");
}

TEST(ConfigErrors, EmptyDbFlagNamesTheFlag) {
  EXPECT_EQ(error_of({.flags = {.db = ""}}), "--db: must not be empty");
}

TEST(ConfigErrors, FileErrorComesBeforeEnvironmentLayer) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[bogus]\n");
  const std::string error = error_of({.file = file, .env = {{"RCVAULT_BOGUS", "1"}}});
  EXPECT_EQ(error, "config " + file.string() + ": unknown section 'bogus' (line 1)");
}

}  // namespace
