// sync.extensions = "all": which extensions of the list are synced.
#include "rcvault/sync/extension_list.hpp"

#include <gtest/gtest.h>

using namespace rcvault;

TEST(ExtensionList, AsksForTheSyncedTypesAndStatuses) {
  auto p = sync::extension_list_path(2);
  EXPECT_TRUE(p.starts_with("/restapi/v1.0/account/~/extension?perPage=1000&page=2")) << p;
  for (auto part : {"type=User", "type=Department", "type=DigitalUser", "type=VirtualUser", "type=FaxUser",
                    "type=Voicemail", "status=Enabled", "status=Disabled", "status=Frozen"})
    EXPECT_NE(p.find(part), std::string::npos) << part;
  EXPECT_EQ(p.find("NotActivated"), std::string::npos);
}

TEST(ExtensionList, KeepsSyncedTypesAndStatusesOnly) {
  auto page = sync::parse_extension_page(R"({"records":[
    {"id":101,"type":"User","status":"Enabled"},
    {"id":102,"type":"Department","status":"Disabled"},
    {"id":103,"type":"Announcement","status":"Enabled"},
    {"id":104,"type":"User","status":"NotActivated"},
    {"id":9223372036854775807,"type":"Voicemail","status":"Frozen"}],
    "paging":{"page":1,"totalPages":1},"navigation":{"firstPage":{"uri":"x"}}})");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->ids, (std::vector<std::string>{"101", "102", "9223372036854775807"}));
  EXPECT_FALSE(page->more);
}

TEST(ExtensionList, NextPageMeansMore) {
  auto page = sync::parse_extension_page(
      R"({"records":[{"id":"5","type":"User","status":"Enabled"}],"navigation":{"nextPage":{"uri":"x"}}})");
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->ids, (std::vector<std::string>{"5"}));
}

TEST(ExtensionList, BrokenBodyIsAnError) {
  EXPECT_FALSE(sync::parse_extension_page("{").has_value());
  EXPECT_FALSE(sync::parse_extension_page(R"({"records":5})").has_value());
}
