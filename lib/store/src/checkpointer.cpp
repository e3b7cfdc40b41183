#include "checkpointer.hpp"

#include "connection.hpp"
#include "rcvault/log/log.hpp"
#include "thread_name.hpp"

#include <sqlite3.h>

namespace rcvault::store::detail {

checkpointer::checkpointer(const options& opts) : db_(open_connection(opts, role::existing)) {}

checkpointer::~checkpointer() { stop(); }

void checkpointer::start() {
  std::lock_guard lk(mu_);
  if (running_ || stopping_) return;
  running_ = true;
  thread_ = std::thread([this] {
    name_this_thread("rcvault-ckpt");
    run();
  });
}

void checkpointer::request() {
  std::lock_guard lk(mu_);
  if (requested_ > started_) return;  // one is already waiting to start
  ++requested_;
  cv_.notify_one();
}

void checkpointer::catch_up() {
  std::unique_lock lk(mu_);
  if (!running_ || stopping_) return;
  const auto target = ++requested_;
  cv_.notify_one();
  finished_cv_.wait(lk, [&] { return finished_ >= target || stopping_; });
}

bool checkpointer::busy() const {
  std::lock_guard lk(mu_);
  return requested_ > finished_;
}

void checkpointer::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    cv_.notify_one();
    finished_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void checkpointer::run() {
  for (;;) {
    std::uint64_t pass = 0;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [this] { return requested_ > started_ || stopping_; });
      if (stopping_) return;
      pass = started_ = requested_;
    }
    // PASSIVE: copies what no reader still needs and never blocks the writer;
    // the writer starts the WAL over at its next commit once all is copied.
    int wal_frames = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      log::warning("store: checkpoint failed error=\"{}\" wal_frames={}", sqlite3_errmsg(db_.getHandle()), wal_frames);
    }
    std::lock_guard lk(mu_);
    finished_ = pass;
    finished_cv_.notify_all();
  }
}

}  // namespace rcvault::store::detail
