// retention.days (docs/retention.md, docs/configuration.md): unset keeps
// forever; the file and the environment set it; bad values name the key.
#include "rcvault/config/load.hpp"
#include "load_result.hpp"
#include "temp_dir.hpp"
#include "write_file.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using namespace rcvault::config;
using rcvault::test::error_of;
using rcvault::test::load_ok;
using rcvault::test::temp_dir;
using rcvault::test::write_file;

TEST(ConfigRetentionKeys, UnsetKeepsForever) { EXPECT_EQ(load_ok({}).retention.days, std::nullopt); }

TEST(ConfigRetentionKeys, FileAndEnvironmentSetTheDays) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[retention]\ndays = 365\n");
  EXPECT_EQ(load_ok({.file = file}).retention.days, std::optional<int>(365));
  EXPECT_EQ(load_ok({.file = file, .env = {{"RCVAULT_RETENTION_DAYS", "30"}}}).retention.days, std::optional<int>(30));
}

TEST(ConfigRetentionKeys, BadValuesNameTheKey) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RETENTION_DAYS", "0"}}}),
            "environment RCVAULT_RETENTION_DAYS: must be between 1 and 36500, got 0");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RETENTION_DAYS", "forever"}}}),
            "environment RCVAULT_RETENTION_DAYS: expected an integer, got 'forever'");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_RETENTION_DAYS", "36501"}}}),
            "environment RCVAULT_RETENTION_DAYS: must be between 1 and 36500, got 36501");
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[retention]\ndays = \"90\"\n");
  EXPECT_EQ(error_of({.file = file}),
            "config " + file.string() + ": retention.days: expected an integer, got a string (line 2)");
  const auto typo = write_file(dir / "typo.toml", "[retention]\nday = 90\n");
  EXPECT_EQ(error_of({.file = typo}), "config " + typo.string() + ": unknown key 'retention.day' (line 2)");
}

}  // namespace
