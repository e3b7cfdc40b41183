#pragma once
// A fixed set of reader threads, each owning its own store::reader (its own
// read-only connection), running queued jobs in order of arrival.

#include "rcvault/store/options.hpp"
#include "rcvault/store/reader.hpp"

#include <cstddef>
#include <functional>
#include <memory>

namespace rcvault::store {

class reader_pool {
 public:
  // A job runs on one reader thread with that thread's reader. It must not
  // throw (catch and hand the exception to whoever waits).
  using job = std::function<void(reader&)>;

  // Opens `threads` readers (at least 1) and starts their threads. Throws
  // std::runtime_error naming the file when the database cannot be opened.
  explicit reader_pool(const options& opts, std::size_t threads = 2);
  // Stops and joins (see stop()).
  ~reader_pool();
  reader_pool(const reader_pool&) = delete;
  reader_pool& operator=(const reader_pool&) = delete;

  // Queues a job. Thread-safe. After stop() the job is dropped (destroyed unrun).
  void post(job j);

  // Finishes the jobs already queued, then joins the threads. Idempotent; thread-safe.
  void stop();

  // The path of the database the readers read.
  const options& opts() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::store
