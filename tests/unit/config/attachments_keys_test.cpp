// The [attachments] keys (docs/configuration.md, docs/attachments.md):
// defaults, every layer, the folder beside the database, and the errors a
// user meets.
#include "rcvault/config/load.hpp"
#include "load_result.hpp"
#include "temp_dir.hpp"
#include "write_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

namespace {

using namespace rcvault::config;
using rcvault::test::error_of;
using rcvault::test::load_ok;
using rcvault::test::temp_dir;
using rcvault::test::write_file;
// A loaded configuration always names the folder.
using path = std::optional<std::filesystem::path>;

TEST(ConfigAttachmentsKeys, DefaultsDownloadIntoAFolderBesideTheDatabase) {
  const config c = load_ok({});
  EXPECT_TRUE(c.attachments.download);
  EXPECT_EQ(c.attachments.dir, path("./var/attachments"));
  EXPECT_EQ(c.attachments.max_bytes, 52'428'800u);
  EXPECT_EQ(c.attachments.min_free_bytes, 2'147'483'648u);
}

TEST(ConfigAttachmentsKeys, TheDefaultFolderFollowsTheDatabaseOfAnyLayer) {
  EXPECT_EQ(load_ok({.flags = {.db = "/srv/rc/archive.db"}}).attachments.dir, path("/srv/rc/attachments"));
  EXPECT_EQ(load_ok({.env = {{"RCVAULT_STORE_PATH", "/var/lib/rcvault/rcvault.db"}}}).attachments.dir, path("/var/lib/rcvault/attachments"));
  // A database in the current directory: the folder is there too.
  EXPECT_EQ(load_ok({.flags = {.db = "rcvault.db"}}).attachments.dir, path("attachments"));
}

TEST(ConfigAttachmentsKeys, FileSetsEveryKey) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml",
                               "[store]\npath = \"/srv/a.db\"\n"
                               "[attachments]\n"
                               "download = false\n"
                               "dir = \"/mnt/media/rcvault\"\n"
                               "max_bytes = 1048576\n"
                               "min_free_bytes = 0\n");
  const config c = load_ok({.file = file});
  EXPECT_FALSE(c.attachments.download);
  EXPECT_EQ(c.attachments.dir, path("/mnt/media/rcvault"));
  EXPECT_EQ(c.attachments.max_bytes, 1'048'576u);
  EXPECT_EQ(c.attachments.min_free_bytes, 0u);
}

TEST(ConfigAttachmentsKeys, EnvironmentOverridesTheFile) {
  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[attachments]\ndownload = false\ndir = \"/a\"\n");
  const config c = load_ok({.file = file,
                            .env = {{"RCVAULT_ATTACHMENTS_DOWNLOAD", "true"},
                                    {"RCVAULT_ATTACHMENTS_DIR", "relative/media"},
                                    {"RCVAULT_ATTACHMENTS_MAX_BYTES", "1000"},
                                    {"RCVAULT_ATTACHMENTS_MIN_FREE_BYTES", "5000000000"}}});
  EXPECT_TRUE(c.attachments.download);
  EXPECT_EQ(c.attachments.dir, path("relative/media"));
  EXPECT_EQ(c.attachments.max_bytes, 1000u);
  EXPECT_EQ(c.attachments.min_free_bytes, 5'000'000'000u);
}

TEST(ConfigAttachmentsKeys, BadValuesNameTheKey) {
  EXPECT_EQ(error_of({.env = {{"RCVAULT_ATTACHMENTS_DOWNLOAD", "yes"}}}),
            "environment RCVAULT_ATTACHMENTS_DOWNLOAD: expected true or false, got 'yes'");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_ATTACHMENTS_MAX_BYTES", "0"}}}),
            "environment RCVAULT_ATTACHMENTS_MAX_BYTES: must be between 1 and 1099511627776, got 0");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_ATTACHMENTS_MIN_FREE_BYTES", "-1"}}}),
            "environment RCVAULT_ATTACHMENTS_MIN_FREE_BYTES: must be between 0 and 1125899906842624, got -1");
  EXPECT_EQ(error_of({.env = {{"RCVAULT_ATTACHMENTS_DIR", ""}}}), "environment RCVAULT_ATTACHMENTS_DIR: must not be empty");

  temp_dir dir;
  const auto file = write_file(dir / "rcvault.toml", "[attachments]\ndownload = \"no\"\n");
  EXPECT_EQ(error_of({.file = file}),
            "config " + file.string() + ": attachments.download: expected a boolean, got a string (line 2)");
  const auto typo = write_file(dir / "typo.toml", "[attachments]\nmax_byte = 10\n");
  EXPECT_EQ(error_of({.file = typo}), "config " + typo.string() + ": unknown key 'attachments.max_byte' (line 2)");
}

}  // namespace
