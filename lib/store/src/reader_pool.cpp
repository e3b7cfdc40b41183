#include "rcvault/store/reader_pool.hpp"

#include "thread_name.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace rcvault::store {

struct reader_pool::impl {
  options opts;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<job> jobs;
  bool stopping = false;
  std::vector<std::unique_ptr<reader>> readers;
  std::vector<std::thread> threads;

  void run(reader& r) {
    for (;;) {
      job j;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || !jobs.empty(); });
        if (jobs.empty()) return;
        j = std::move(jobs.front());
        jobs.pop_front();
      }
      j(r);
    }
  }
};

reader_pool::reader_pool(const options& opts, std::size_t threads) : impl_(std::make_unique<impl>()) {
  impl_->opts = opts;
  const std::size_t n = threads == 0 ? 1 : threads;
  // Open every connection before starting any thread, so a bad path throws
  // from here with nothing to join.
  for (std::size_t i = 0; i < n; ++i) impl_->readers.push_back(std::make_unique<reader>(opts));
  for (auto& r : impl_->readers) {
    impl_->threads.emplace_back([this, rp = r.get()] {
      detail::name_this_thread("rcvault-reader");
      impl_->run(*rp);
    });
  }
}

reader_pool::~reader_pool() { stop(); }

void reader_pool::post(job j) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->jobs.push_back(std::move(j));
  }
  impl_->wake.notify_one();
}

void reader_pool::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    threads.swap(impl_->threads);
  }
  impl_->wake.notify_all();
  for (auto& t : threads) t.join();
}

const options& reader_pool::opts() const noexcept { return impl_->opts; }

}  // namespace rcvault::store
