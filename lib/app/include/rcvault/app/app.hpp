#pragma once
// The running daemon in one object: the io_context with both listeners, the
// store's writer and reader pool. Integration tests run it in-process; `serve`
// adds signals and systemd around it.

#include "rcvault/config/config.hpp"
#include "rcvault/core/error.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace rcvault::app {

// Where the listeners are bound (ports are the real ones when 0 was configured).
struct bound_endpoints {
  std::string ingest;              // "HOST:PORT"
  std::string query;               // "HOST:PORT" or "unix:/path"
  std::uint16_t ingest_port = 0;
  std::uint16_t query_port = 0;    // 0 for a unix socket
};

// Whether the first SIGTERM/SIGINT stops the app gracefully (serve) or signals are left alone (tests).
enum class signal_handling { ignore, stop_on_signal };

class app {
 public:
  // Keeps `cfg`; does no I/O.
  explicit app(config::config cfg);
  // Stops (gracefully) if still running and releases everything.
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  // Migrates the database, opens the writer and the readers and binds both
  // listeners. Errors: errc::migration (an edited or newer schema), errc::config
  // (an address that cannot be bound), errc::internal (the database cannot be
  // opened). Call once.
  core::result<bound_endpoints> start(signal_handling signals = signal_handling::ignore);

  // Serves on the calling thread until stop() has finished: returns after
  // in-flight requests were answered, the writer drained and committed and
  // the WAL was checkpointed.
  void run();

  // Begins a graceful stop: stop accepting, close idle connections, answer
  // in-flight requests (for at most `drain_deadline`), then stop the writer.
  // Thread-safe; idempotent; returns at once (run() returns when done).
  void stop();

  // How long stop() lets in-flight requests finish before closing them.
  static constexpr std::chrono::seconds drain_deadline{10};

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::app
