// The generated archive is honest: each notification's raw envelope, re-parsed
// as the writer does when a late version arrives (ingest::renormalise), gives
// back the message the query tests expect, field for field (parties,
// attachments, statuses), for every kind of message the generator makes.

#include "dataset.hpp"

#include "rcvault/ingest/parse.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rcvault::test {
namespace {

TEST(Dataset, RawEnvelopeCarriesEveryFieldOfItsMessage) {
  std::set<std::string> types;
  std::size_t with_name = 0;
  for (const auto& n : make_dataset({}, 2000)) {
    const auto reparsed = ingest::renormalise(n.kind, n.raw);
    ASSERT_TRUE(reparsed.has_value()) << n.raw;
    ASSERT_TRUE(n.msg.has_value());
    EXPECT_EQ(*reparsed, *n.msg) << n.raw;
    if (HasFailure()) return;  // one message is enough to show what differs
    types.insert(*n.msg->type);
    if (n.msg->from && n.msg->from->name) ++with_name;
  }
  // Every kind the generator makes was compared, parties with names among them.
  EXPECT_EQ(types, (std::set<std::string>{"SMS", "VoiceMail", "Fax", "Pager"}));
  EXPECT_GT(with_name, 0u);
}

}  // namespace
}  // namespace rcvault::test
