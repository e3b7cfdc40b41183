#pragma once
// A scripted RingCentral and a recording store for the sync engine's tests:
// no network, no database, every request and every write seen.

#include "rcvault/core/time.hpp"
#include "rcvault/sync/mailbox_engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace rcvault::test {

// One record of a scripted page: id and creationTime (ms).
struct rec {
  std::string id;
  core::millis created = 0;
};

// A Message Sync answer in RingCentral's shape (records newest first).
inline std::string sync_page_json(const std::vector<rec>& records, const std::string& token, bool older,
                                  const std::string& type = "FSync") {
  std::string items;
  for (const auto& r : records) {
    if (!items.empty()) items += ',';
    items += fmt::format(
        R"({{"uri":"https://platform.ringcentral.com/restapi/v1.0/account/1/extension/7/message-store/{0}","id":{0},)"
        R"("type":"SMS","direction":"Inbound","from":{{"phoneNumber":"+15550100"}},"to":[{{"phoneNumber":"+15550101"}}],)"
        R"("availability":"Alive","creationTime":"{1}","lastModifiedTime":"{1}"}})",
        r.id, core::format_iso8601(r.created));
  }
  return fmt::format(R"({{"records":[{}],"syncInfo":{{"syncType":"{}","syncToken":"{}","syncTime":"2030-01-01T00:00:00.000Z","olderRecordsExist":{}}}}})",
                     items, type, token, older ? "true" : "false");
}

class scripted_api final : public sync::api_port {
 public:
  using answer = std::variant<std::string, ringcentral::api_error>;
  void push(answer a) { answers_.push_back(std::move(a)); }
  const std::vector<std::string>& requests() const { return requests_; }

  boost::asio::awaitable<ringcentral::api_result<ringcentral::api_response>> get(std::string path,
                                                                                  ringcentral::rate_group,
                                                                                  std::string) override {
    requests_.push_back(path);
    if (answers_.empty()) co_return ringcentral::api_error{0, "network", "no scripted answer", ""};
    auto a = std::move(answers_.front());
    answers_.pop_front();
    if (auto* e = std::get_if<ringcentral::api_error>(&a)) co_return *e;
    ringcentral::api_response r;
    r.body = std::get<std::string>(a);
    co_return r;
  }
  boost::asio::awaitable<ringcentral::api_result<ringcentral::token_status>> ensure_token() override {
    ringcentral::token_status s;
    s.state = ringcentral::token_status::state::ok;
    s.owner_id = "7";
    co_return s;
  }

 private:
  std::deque<answer> answers_;
  std::vector<std::string> requests_;
};

class recording_store final : public sync::store_port {
 public:
  // What arrived, in order: a record's uuid or "checkpoint".
  std::vector<std::string> order;
  std::vector<core::notification> records;
  std::vector<store::sync_checkpoint> checkpoints;
  std::vector<std::string> known_ids;  // message ids the "archive" already has
  unsigned refuse_next = 0;            // try_accept answers false this many times
  bool fail_checkpoints = false;
  unsigned room_waits = 0;

  bool try_accept(core::notification& n, accept::completion done) override {
    if (refuse_next > 0) {
      --refuse_next;
      return false;
    }
    accept::outcome o;
    o.state = accept::outcome::status::stored;
    o.uuid = n.uuid;
    for (const auto& r : records)
      if (r.uuid == n.uuid) o.state = accept::outcome::status::duplicate;
    const std::string id = n.msg ? n.msg->id : "";
    bool known = false;
    for (const auto& k : known_ids) known = known || k == id;
    o.message_created = o.state == accept::outcome::status::stored && !known;
    if (!known && !id.empty()) known_ids.push_back(id);
    order.push_back(n.uuid);
    records.push_back(std::move(n));
    done(o);
    return true;
  }
  bool try_checkpoint(store::sync_checkpoint cp, std::function<void(bool)> done) override {
    order.push_back("checkpoint");
    checkpoints.push_back(std::move(cp));
    done(!fail_checkpoints);
    return true;
  }
  void when_room(std::function<void()> wake) override {
    ++room_waits;
    wake();
  }
};

// Runs `a` on `io` to its end and returns its value.
template <class T>
T run_to_end(boost::asio::io_context& io, boost::asio::awaitable<T> a) {
  std::optional<T> out;
  std::exception_ptr failed;
  boost::asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    failed = e;
    if (!e) out = std::move(v);
  });
  io.run();
  io.restart();
  if (failed) std::rethrow_exception(failed);
  return std::move(*out);
}

}  // namespace rcvault::test
