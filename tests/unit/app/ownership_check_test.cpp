// rcvault::app::database_ownership_warnings on real files. The tests chown
// files to another uid, which needs root (how every test here runs); as
// another user they are skipped.

#include "rcvault/app/ownership_check.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace {

using rcvault::app::database_ownership_warnings;
using rcvault::test::temp_dir;

constexpr uid_t service_uid = 61234;  // in systemd's dynamic user range

void touch(const std::filesystem::path& p) { std::ofstream{p} << "x"; }

void chown_to(const std::filesystem::path& p, uid_t uid) {
  ASSERT_EQ(::chown(p.c_str(), uid, uid), 0) << p;
}

bool any_mentions(const std::vector<std::string>& lines, std::string_view what) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(what) != std::string::npos; });
}

class OwnershipCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown test files";
    folder_ = dir_ / "state";
    std::filesystem::create_directory(folder_);
    db_ = folder_ / "rcvault.db";
  }
  temp_dir dir_;
  std::filesystem::path folder_;
  std::filesystem::path db_;
};

TEST_F(OwnershipCheck, NoWarningWhenEveryFileBelongsToTheFolderOwnerWhoRunsIt) {
  touch(db_);
  touch(folder_ / "rcvault.db-wal");
  touch(folder_ / "rcvault.db-shm");
  EXPECT_TRUE(database_ownership_warnings(db_).empty());
}

TEST_F(OwnershipCheck, RootOwnedWalInTheServiceFolderIsReported) {
  chown_to(folder_, service_uid);
  touch(db_);
  chown_to(db_, service_uid);
  touch(folder_ / "rcvault.db-wal");  // left by root, as `sudo rcvault import` would
  const auto w = database_ownership_warnings(db_);
  EXPECT_TRUE(any_mentions(w, "rcvault.db-wal is owned by uid 0")) << ::testing::PrintToString(w);
  EXPECT_FALSE(any_mentions(w, "rcvault.db is owned by")) << ::testing::PrintToString(w);
}

TEST_F(OwnershipCheck, EveryForeignCompanionFileIsReported) {
  chown_to(folder_, service_uid);
  touch(db_);
  touch(folder_ / "rcvault.db-wal");
  touch(folder_ / "rcvault.db-shm");
  const auto w = database_ownership_warnings(db_);
  EXPECT_TRUE(any_mentions(w, "rcvault.db is owned by"));
  EXPECT_TRUE(any_mentions(w, "rcvault.db-wal is owned by"));
  EXPECT_TRUE(any_mentions(w, "rcvault.db-shm is owned by"));
}

TEST_F(OwnershipCheck, RunningAsAnotherUserThanTheFolderOwnerIsReported) {
  chown_to(folder_, service_uid);
  const auto w = database_ownership_warnings(db_);
  ASSERT_EQ(w.size(), 1u) << ::testing::PrintToString(w);
  EXPECT_NE(w[0].find("lock the service out"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("uid 61234"), std::string::npos) << w[0];
}

TEST_F(OwnershipCheck, MissingFolderIsNotChecked) {
  EXPECT_TRUE(database_ownership_warnings(dir_ / "nowhere" / "rcvault.db").empty());
}

}  // namespace
