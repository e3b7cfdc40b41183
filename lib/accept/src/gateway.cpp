#include "rcvault/accept/gateway.hpp"

#include "rcvault/core/time.hpp"
#include "rcvault/ingest/parse.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace rcvault::accept {
namespace {

constexpr std::size_t dead_letter_head_bytes = 256;

outcome refused(const core::error& e) {
  outcome o;
  o.state = outcome::status::refused;
  o.refusal = e;
  return o;
}

outcome from_write(const store::write_result& r, std::string uuid) {
  outcome o;
  o.uuid = std::move(uuid);
  o.applied = r.outcome;
  o.message_created = r.message_created;
  switch (r.status) {
    case store::write_status::stored: o.state = outcome::status::stored; break;
    case store::write_status::duplicate: o.state = outcome::status::duplicate; break;
    case store::write_status::unavailable: o.state = outcome::status::unavailable; break;
  }
  return o;
}

// The writer's completion for one notification: the outcome for the source,
// and the observer told of what was stored. Built before `n` is moved; holds
// copies, since completions may run after the gateway is gone.
std::function<void(const store::write_result&)> completion_for(const core::notification& n, source src,
                                                                      const gateway::stored_observer& observer,
                                                                      completion done) {
  stored_item item;
  if (observer) {
    item.kind = n.kind;
    item.from = src;
    item.mailbox = ingest::mailbox_of(n);
  }
  return [uuid = n.uuid, item = std::move(item), observer, done = std::move(done)](const store::write_result& r) {
    if (observer && r.status == store::write_status::stored) observer(item);
    if (done) done(from_write(r, uuid));
  };
}

}  // namespace

std::string_view to_string(source s) noexcept {
  switch (s) {
    case source::webhook: return "webhook";
    case source::import: return "import";
    case source::api: return "api";
  }
  return "webhook";
}

gateway::gateway(store::writer& w) : writer_(w) {}

void gateway::observe_stored(stored_observer observer) { observer_ = std::move(observer); }

void gateway::accept_now(core::result<core::notification> parsed, std::string_view raw, completion done) {
  if (!parsed) {
    const auto& err = parsed.error();
    store::rejected_request dead;
    dead.received_at = core::now_ms();
    dead.code = std::string(core::code_name(err.code));
    dead.message = err.message;
    dead.size = raw.size();
    dead.head = std::string(raw.substr(0, dead_letter_head_bytes));
    writer_.reject(std::move(dead));
    if (done) done(refused(err));
    return;
  }
  auto on_written = completion_for(*parsed, source::webhook, observer_, std::move(done));
  writer_.submit(std::move(*parsed), std::move(on_written), store::lane::webhook);
}

bool gateway::try_accept(core::result<core::notification>&& parsed, source src, completion done) {
  if (!parsed) {
    if (done) done(refused(parsed.error()));
    return true;
  }
  auto on_written = completion_for(*parsed, src, observer_, done);
  if (writer_.submit(std::move(*parsed), std::move(on_written), store::lane::background)) return true;
  return false;
}

bool gateway::try_checkpoint(store::sync_checkpoint cp, std::function<void(bool committed)> done) {
  return writer_.submit_checkpoint(std::move(cp), std::move(done));
}

void gateway::when_room(std::function<void()> wake) { writer_.when_room(std::move(wake)); }

void gateway::accept_waiting(core::result<core::notification> parsed, source src, completion done) {
  for (;;) {
    if (try_accept(std::move(parsed), src, done)) return;
    struct room {
      std::mutex mu;
      std::condition_variable cv;
      bool ready = false;
    };
    auto r = std::make_shared<room>();
    when_room([r] {
      std::lock_guard lk(r->mu);
      r->ready = true;
      r->cv.notify_one();
    });
    std::unique_lock lk(r->mu);
    r->cv.wait(lk, [&] { return r->ready; });
  }
}

}  // namespace rcvault::accept
