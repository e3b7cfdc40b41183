#pragma once
// Copies the WAL back into the database file on a thread and connection of its
// own, so the writer's commits only append to the WAL and never wait for a
// checkpoint (with synchronous=full a checkpoint reads every new frame, writes
// it to the database file and fsyncs it: about a third of the writer's time
// when it ran inside the commit).

#include "rcvault/store/options.hpp"

#include <SQLiteCpp/Database.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace rcvault::store::detail {

class checkpointer {
 public:
  // Opens its own read-write connection on the existing database `opts.path`.
  // Throws SQLite::Exception when it cannot be opened.
  explicit checkpointer(const options& opts);
  // Stops and joins the thread.
  ~checkpointer();
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  // Starts the thread. Call once.
  void start();

  // Asks for a passive checkpoint soon; cheap, never blocks on the checkpoint.
  // Thread-safe.
  void request();

  // Waits until a checkpoint that started after this call has finished, so
  // that everything committed before it is copied unless a reader still
  // needs it (the writer then starts the WAL over at its next transaction).
  // Returns at once when the thread is not running. Thread-safe.
  void catch_up();

  // Whether a pass is running or asked for. Thread-safe.
  bool busy() const;

  // Finishes a running checkpoint and joins the thread. Idempotent.
  void stop();

 private:
  void run();

  SQLite::Database db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t requested_ = 0;  // passes asked for
  std::uint64_t started_ = 0;    // the request count when the current or last pass started
  std::uint64_t finished_ = 0;   // the request count the last finished pass started at
  bool running_ = false;
  bool stopping_ = false;
  std::condition_variable finished_cv_;
  std::thread thread_;
};

}  // namespace rcvault::store::detail
