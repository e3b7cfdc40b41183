// The content store (docs/attachments.md): files addressed by their sha256
// under sha256/ab/, written through tmp/, identical content kept once,
// leftovers of a crash removed at start.
#include "rcvault/attachments/content_store.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

using namespace rcvault;
namespace fs = std::filesystem;

namespace {

std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

attachments::stored_content keep(attachments::content_store& s, const std::string& bytes) {
  auto staged = s.stage();
  EXPECT_TRUE(staged.has_value());
  // In pieces, as a download arrives.
  for (std::size_t at = 0; at < bytes.size(); at += 1000)
    EXPECT_TRUE((*staged)->write(std::string_view(bytes).substr(at, 1000)));
  auto kept = (*staged)->keep();
  EXPECT_TRUE(kept.has_value()) << (kept ? "" : kept.error().message);
  return kept ? *kept : attachments::stored_content{};
}

TEST(ContentStore, KeepsTheBytesAtTheirSha256) {
  test::temp_dir dir;
  attachments::content_store s(dir / "attachments");
  ASSERT_TRUE(s.prepare().has_value());
  const auto got = keep(s, "abc");
  EXPECT_EQ(got.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(got.bytes, 3u);
  EXPECT_FALSE(got.already_there);
  const fs::path file = dir / "attachments/sha256/ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(s.path_of(got.sha256), file);
  EXPECT_EQ(test::read_file(file), "abc");
  EXPECT_TRUE(fs::is_empty(dir / "attachments/tmp"));
}

TEST(ContentStore, IdenticalContentIsKeptOnce) {
  test::temp_dir dir;
  attachments::content_store s(dir / "attachments");
  ASSERT_TRUE(s.prepare().has_value());
  const std::string picture(150'000, 'p');
  const auto first = keep(s, picture);
  const auto second = keep(s, picture);
  EXPECT_EQ(first.sha256, second.sha256);
  EXPECT_TRUE(second.already_there);
  EXPECT_EQ(files_under(dir / "attachments"), 1u);
  EXPECT_EQ(test::read_file(s.path_of(first.sha256)), picture);
}

TEST(ContentStore, AFileLeftWithTheWrongSizeIsReplaced) {
  test::temp_dir dir;
  attachments::content_store s(dir / "attachments");
  ASSERT_TRUE(s.prepare().has_value());
  const auto first = keep(s, "whole content");
  std::ofstream(s.path_of(first.sha256), std::ios::trunc) << "cut";
  const auto again = keep(s, "whole content");
  EXPECT_FALSE(again.already_there);
  EXPECT_EQ(test::read_file(s.path_of(first.sha256)), "whole content");
}

TEST(ContentStore, StartRemovesDownloadsACrashLeftInTmp) {
  test::temp_dir dir;
  fs::create_directories(dir / "attachments/tmp");
  std::ofstream(dir / "attachments/tmp/download-1-7") << "half a picture";
  attachments::content_store s(dir / "attachments");
  ASSERT_TRUE(s.prepare().has_value());
  EXPECT_TRUE(fs::is_empty(dir / "attachments/tmp"));
}

TEST(ContentStore, AnAbandonedDownloadLeavesNothing) {
  test::temp_dir dir;
  attachments::content_store s(dir / "attachments");
  ASSERT_TRUE(s.prepare().has_value());
  {
    auto staged = s.stage();
    ASSERT_TRUE(staged.has_value());
    ASSERT_TRUE((*staged)->write("the first half"));
  }
  EXPECT_EQ(files_under(dir / "attachments"), 0u);
}

TEST(ContentStore, AFolderThatCannotBeMadeIsAnErrorNamingIt) {
  test::temp_dir dir;
  std::ofstream(dir / "attachments") << "a file where the folder should be";
  attachments::content_store s(dir / "attachments");
  auto r = s.prepare();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find((dir / "attachments").string()), std::string::npos) << r.error().message;
}

TEST(ContentStore, FreeBytesAreReadFromTheFolder) {
  test::temp_dir dir;
  EXPECT_TRUE(attachments::free_bytes_of(dir.path()).has_value());
  EXPECT_FALSE(attachments::free_bytes_of(dir / "missing").has_value());
}

}  // namespace
