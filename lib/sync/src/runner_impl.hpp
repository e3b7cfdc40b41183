#pragma once
// The runner's state, shared by runner.cpp (thread, status) and
// schedule.cpp (the serve loop and the one pass).

#include "io_flag.hpp"
#include "rcvault/sync/runner.hpp"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <thread>

namespace rcvault::sync {

struct runner::impl {
  using clock = std::chrono::steady_clock;

  impl(runner_options o, accept::gateway& g);

  runner_options opts;
  boost::asio::io_context io;
  ringcentral::client client;
  client_api api;
  gateway_store store;
  mailbox_engine engine;
  std::string holder;
  std::thread thread;
  std::atomic<bool> stopping{false};
  bool started = false;

  // io thread only
  struct slot {
    store::sync_checkpoint st;
    clock::time_point due;
    bool poked = false;
    unsigned failures = 0;
  };
  std::map<std::string, slot, std::less<>> slots;
  boost::asio::steady_timer wake{io};
  boost::asio::cancellation_signal main_stop;
  boost::asio::cancellation_signal heartbeat_stop;
  bool lease_held = false;  // also read by stop() after the io thread ended
  std::list<api_task> tasks;                          // spawn()'s, kept alive
  std::list<boost::asio::cancellation_signal> task_stops;  // one per task

  // any thread, under m
  mutable std::mutex m;
  std::map<std::string, mailbox_status> shown;
  std::uint64_t records_total = 0;

  // schedule.cpp
  struct resolved {
    std::vector<std::string> ids;
    std::optional<store::sync_error> error;
  };
  boost::asio::awaitable<resolved> resolve(const std::vector<std::string>& only);
  void adopt(const std::vector<std::string>& ids);
  boost::asio::awaitable<void> serve_loop();
  boost::asio::awaitable<void> one_pass(sync_kind kind, std::vector<std::string> only, progress_fn on_progress,
                                        pass_result& out);
  boost::asio::awaitable<void> heartbeat();
  boost::asio::awaitable<mailbox_report> sync_slot(slot& s, sync_kind kind, const progress_fn& on_progress);
  bool try_lease(std::optional<store::sync_error>* why);

  // status
  void show(const store::sync_checkpoint& st, std::optional<store::mailbox_state> state_override = {});
  void show_syncing(const std::string& id);
};

}  // namespace rcvault::sync
