// The subscription keeper against the fake RingCentral (tests/fake_ringcentral):
// the real client, a real migrated database, a stand-in webhook that answers
// the fake's Validation-Token handshake (docs/deploy.md, section 4a).
#include "client_fixture.hpp"
#include "temp_dir.hpp"
#include "webhook_stub.hpp"

#include "rcvault/store/database.hpp"
#include "rcvault/store/subscription_state.hpp"
#include "rcvault/subscription/keeper.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace rcvault;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view owner = "2253168021";  // the fake's default owner_id

struct keeper_fake_test : ::testing::Test {
  test::fake_process fake{test::high_limits()};
  test::webhook_stub hook;
  test::temp_dir dir;
  store::options so;
  boost::asio::io_context io;
  ringcentral::client client{io, test::fake_options(fake)};
  unsigned recreated_calls = 0;

  keeper_fake_test() {
    so.path = dir / "archive.db";
    EXPECT_TRUE(store::migrate(so).has_value());
  }

  subscription::keeper_options options(std::string token = "token-one") {
    subscription::keeper_options o;
    o.address = hook.address();
    o.verification_token = std::move(token);
    o.expires_in = std::chrono::seconds(3600);
    o.check_interval = std::chrono::seconds(60);
    o.store = so;
    o.on_recreated = [this] { ++recreated_calls; };
    o.retry_min = 200ms;
    return o;
  }

  subscription::outcome check(subscription::keeper& k) { return test::run(io, k.check(client)); }

  // The fake's subscriptions, with the verificationToken it was given.
  boost::json::array subs() { return fake.control("GET", "/_fake/subscriptions").at("records").as_array(); }

  std::size_t requests(std::string_view method, std::string_view path_regex) {
    std::size_t n = 0;
    for (const auto& r : fake.requests(path_regex))
      if (r.at("method").as_string() == method) ++n;
    return n;
  }
};

TEST_F(keeper_fake_test, CreatesWithTheVerificationTokenAfterTheHandshake) {
  subscription::keeper k(options());
  EXPECT_EQ(check(k), subscription::outcome::created);
  auto all = subs();
  ASSERT_EQ(all.size(), 1u);
  const auto& s = all[0].as_object();
  EXPECT_EQ(s.at("verificationToken").as_string(), "token-one");
  EXPECT_EQ(s.at("deliveryMode").at("address").as_string(), hook.address());
  EXPECT_EQ(s.at("expiresIn").as_int64(), 3600);
  EXPECT_EQ(s.at("eventFilters").as_array().size(), 4u);
  EXPECT_GE(hook.validations(), 1u);

  const auto st = k.status();
  EXPECT_EQ(st.state, subscription::keeper_state::active);
  ASSERT_TRUE(st.current);
  EXPECT_EQ(st.current->id, s.at("id").as_string());
  auto json = boost::json::parse(subscription::to_json(st)).as_object();
  EXPECT_EQ(json.at("state").as_string(), "active");
  EXPECT_EQ(json.at("status").as_string(), "Active");
  EXPECT_EQ(json.at("address").as_string(), hook.address());
  EXPECT_EQ(json.at("recreations").as_int64(), 0);
  EXPECT_TRUE(json.contains("expirationTime"));
  EXPECT_TRUE(json.contains("lastCheckTime"));
  EXPECT_EQ(subscription::to_json(st).find("token-one"), std::string::npos);

  const auto rec = store::read_subscription(so, hook.address());
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->subscription_id, st.current->id);
  EXPECT_EQ(rec->token_sha256, subscription::token_hash("token-one"));
}

TEST_F(keeper_fake_test, ARestartKeepsTheExistingSubscription) {
  std::string id;
  {
    subscription::keeper first(options());
    ASSERT_EQ(check(first), subscription::outcome::created);
    id = first.status().current->id;
  }
  subscription::keeper second(options());
  EXPECT_EQ(check(second), subscription::outcome::kept);
  EXPECT_EQ(second.status().current->id, id);
  EXPECT_EQ(subs().size(), 1u);
  EXPECT_EQ(requests("POST", "^/restapi/v1.0/subscription$"), 1u);
  EXPECT_EQ(recreated_calls, 0u);
}

TEST_F(keeper_fake_test, AChangedTokenRecreatesTheSubscription) {
  std::string id;
  {
    subscription::keeper first(options("token-one"));
    ASSERT_EQ(check(first), subscription::outcome::created);
    id = first.status().current->id;
  }
  subscription::keeper second(options("token-two"));
  EXPECT_EQ(check(second), subscription::outcome::created);
  auto all = subs();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].at("id").as_string(), id);
  EXPECT_EQ(all[0].at("verificationToken").as_string(), "token-two");
  EXPECT_EQ(store::read_subscription(so, hook.address())->token_sha256, subscription::token_hash("token-two"));
  // Not a recreation, but the switch is a gap: a sync of every mailbox is asked for once.
  EXPECT_EQ(second.status().recreations, 0u);
  EXPECT_EQ(recreated_calls, 1u);
}

TEST_F(keeper_fake_test, AFiltersOnlyDifferenceIsMendedInPlace) {
  std::string id;
  {
    auto o = options();
    o.event_filters = {"/restapi/v1.0/account/~/extension/~/message-store"};
    subscription::keeper first(o);
    ASSERT_EQ(check(first), subscription::outcome::created);
    id = first.status().current->id;
  }
  subscription::keeper second(options());  // the four default filters
  EXPECT_EQ(check(second), subscription::outcome::mended);
  auto all = subs();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("id").as_string(), id);
  EXPECT_EQ(all[0].at("eventFilters").as_array().size(), 4u);
  EXPECT_EQ(requests("PUT", "^/restapi/v1.0/subscription/"), 1u);
  // Echoed with ids for "~": still the same set, so the next check keeps it.
  EXPECT_EQ(check(second), subscription::outcome::kept);
}

TEST_F(keeper_fake_test, BlacklistedIsRecreatedAndTheGapFilled) {
  subscription::keeper k(options());
  ASSERT_EQ(check(k), subscription::outcome::created);
  const std::string id = k.status().current->id;
  fake.control("POST", "/_fake/subscriptions/blacklist", R"({"reason":"I/O operation is failed. Details: [Read timed out]"})");
  EXPECT_EQ(check(k), subscription::outcome::recreated);
  auto all = subs();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].at("id").as_string(), id);
  EXPECT_EQ(all[0].at("status").as_string(), "Active");
  EXPECT_EQ(recreated_calls, 1u);
  EXPECT_EQ(k.status().recreations, 1u);
  EXPECT_EQ(k.status().state, subscription::keeper_state::active);
  EXPECT_EQ(requests("DELETE", "^/restapi/v1.0/subscription/" + std::string(id)), 1u);
}

TEST_F(keeper_fake_test, GoneIsRecreated) {
  subscription::keeper k(options());
  ASSERT_EQ(check(k), subscription::outcome::created);
  fake.control("POST", "/_fake/subscriptions/delete");
  EXPECT_EQ(check(k), subscription::outcome::recreated);
  EXPECT_EQ(subs().size(), 1u);
  EXPECT_EQ(recreated_calls, 1u);
}

TEST_F(keeper_fake_test, RenewsBeforeATenthOfTheLifetimeIsLeft) {
  auto o = options();
  o.expires_in = std::chrono::seconds(5);  // renewed half a second before it ends
  subscription::keeper k(o);
  boost::asio::co_spawn(io, k.run(client), boost::asio::detached);
  std::thread runner([&] { io.run(); });
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (requests("POST", "/renew$") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  const auto renewed = requests("POST", "/renew$");
  io.stop();
  runner.join();
  EXPECT_GE(renewed, 1u);
  // Renewed in time: never recreated.
  EXPECT_EQ(requests("POST", "^/restapi/v1.0/subscription$"), 1u);
  EXPECT_EQ(k.status().recreations, 0u);
}

TEST_F(keeper_fake_test, AWrongWebhookAnswerIsSub525InTheStatus) {
  hook.answer(test::webhook_stub::mode::status_503);
  subscription::keeper k(options());
  EXPECT_EQ(check(k), subscription::outcome::failed);
  const auto st = k.status();
  EXPECT_EQ(st.state, subscription::keeper_state::failed);
  ASSERT_TRUE(st.error);
  EXPECT_EQ(st.error->code, "SUB-525");
  EXPECT_NE(st.error->message.find("hint:"), std::string::npos) << st.error->message;
  auto json = boost::json::parse(subscription::to_json(st)).as_object();
  EXPECT_EQ(json.at("state").as_string(), "failed");
  EXPECT_EQ(json.at("error").at("code").as_string(), "SUB-525");
  EXPECT_TRUE(subs().empty());
  // Once the webhook answers right, the next try creates it.
  hook.answer(test::webhook_stub::mode::echo);
  EXPECT_EQ(check(k), subscription::outcome::created);
  EXPECT_FALSE(k.status().error);
}

TEST_F(keeper_fake_test, WithoutATokenItRefusesToSubscribe) {
  auto o = options();
  o.verification_token.reset();
  subscription::keeper k(o);
  boost::asio::co_spawn(io, k.run(client), boost::asio::detached);
  io.run();  // returns at once: nothing is scheduled
  const auto st = k.status();
  EXPECT_EQ(st.state, subscription::keeper_state::failed);
  ASSERT_TRUE(st.error);
  EXPECT_EQ(st.error->code, "no_verification_token");
  EXPECT_EQ(requests("POST", "^/restapi/v1.0/subscription$"), 0u);
}

TEST_F(keeper_fake_test, DisabledFiltersAreReportedAndCountAsSubscribed) {
  fake.control("POST", "/_fake/forbidden", R"({"extension":"3000000009"})");
  auto o = options();
  o.mailboxes = [] { return std::vector<std::string>{std::string(owner), "3000000009"}; };
  subscription::keeper k(o);
  ASSERT_EQ(check(k), subscription::outcome::created);
  const auto st = k.status();
  ASSERT_TRUE(st.current);
  EXPECT_EQ(st.current->event_filters.size(), 4u);
  EXPECT_EQ(st.current->disabled_filters.size(), 4u);
  auto json = boost::json::parse(subscription::to_json(st)).as_object();
  ASSERT_TRUE(json.contains("disabledFilters"));
  EXPECT_EQ(json.at("disabledFilters").as_array().size(), 4u);
  EXPECT_EQ(json.at("disabledFilters").at(0).at("reason").as_string(), "SUB-412");
  // The disabled ones count as present: nothing to mend.
  EXPECT_EQ(check(k), subscription::outcome::kept);
  EXPECT_EQ(requests("PUT", "^/restapi/v1.0/subscription/"), 0u);
}

TEST_F(keeper_fake_test, DeleteRemovesOursAndForgetsIt) {
  subscription::keeper k(options());
  ASSERT_EQ(check(k), subscription::outcome::created);
  auto r = test::run(io, k.remove(client));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 1u);
  EXPECT_TRUE(subs().empty());
  EXPECT_FALSE(store::read_subscription(so, hook.address()));
}

}  // namespace
