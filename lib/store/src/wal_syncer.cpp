#include "wal_syncer.hpp"

#include "rcvault/log/log.hpp"
#include "thread_name.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace rcvault::store::detail {

wal_syncer::wal_syncer(std::filesystem::path wal_path) : wal_path_(std::move(wal_path)) {}

wal_syncer::~wal_syncer() {
  stop();
  if (fd_ >= 0) ::close(fd_);
}

void wal_syncer::start() {
  std::lock_guard lk(mu_);
  if (running_ || stopping_) return;
  running_ = true;
  thread_ = std::thread([this] {
    name_this_thread("rcvault-sync");
    run();
  });
}

void wal_syncer::after_sync(completion done) {
  {
    std::lock_guard lk(mu_);
    if (running_) {
      queued_.push_back(std::move(done));
      cv_.notify_one();
      return;
    }
  }
  const bool ok = sync_wal();
  if (done) done(ok);
}

void wal_syncer::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

bool wal_syncer::failed() const {
  std::lock_guard lk(mu_);
  return failed_;
}

wal_syncer::totals wal_syncer::done() const {
  std::lock_guard lk(mu_);
  auto t = done_;
  t.failed = failed_;
  return t;
}

void wal_syncer::run() {
  std::vector<completion> taken;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [this] { return !queued_.empty() || stopping_; });
      if (queued_.empty()) {
        running_ = false;  // later callers sync on their own thread
        return;
      }
      taken.swap(queued_);
    }
    // Everything taken was committed before this fdatasync starts.
    const bool ok = sync_wal();
    for (auto& done : taken) {
      if (done) done(ok);
    }
    taken.clear();
  }
}

bool wal_syncer::sync_wal() {
  {
    std::lock_guard lk(mu_);
    if (failed_) return false;
  }
  if (fd_ < 0) {
    // Only ever fdatasync'ed, never written or locked through this
    // descriptor (SQLite keeps its locks on the database and -shm files).
    fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      log::error("store: cannot open the WAL to sync it path=\"{}\" error=\"{}\"", wal_path_.string(), std::strerror(err));
      std::lock_guard lk(mu_);
      failed_ = true;
      return false;
    }
  }
  const auto started = std::chrono::steady_clock::now();
  int rc = 0;
  do {
    rc = ::fdatasync(fd_);
  } while (rc != 0 && errno == EINTR);
  {
    std::lock_guard lk(mu_);
    ++done_.syncs;
    done_.time += std::chrono::steady_clock::now() - started;
  }
  if (rc != 0) {
    const int err = errno;
    log::error("store: fdatasync of the WAL failed, no more writes are acknowledged until restart path=\"{}\" error=\"{}\"",
               wal_path_.string(), std::strerror(err));
    std::lock_guard lk(mu_);
    failed_ = true;
    return false;
  }
  return true;
}

}  // namespace rcvault::store::detail
