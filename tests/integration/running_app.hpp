#pragma once
// The real app in-process for integration tests: a temp-dir database, both
// listeners on port 0, run() on a thread of its own; stopped and joined on
// destruction.

#include "rcvault/app/app.hpp"
#include "rcvault/config/config.hpp"
#include "rcvault/store/options.hpp"
#include "temp_dir.hpp"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace rcvault::test {

// Returns a config for a test: database in `dir`, both listeners on 127.0.0.1:0.
inline config::config test_config(const temp_dir& dir) {
  config::config cfg;
  cfg.store.path = dir / "rcvault.db";
  cfg.ingest.listen = config::listen_address{"127.0.0.1", 0, {}};
  cfg.query.listen = config::listen_address{"127.0.0.1", 0, {}};
  return cfg;
}

class running_app {
 public:
  // Starts the app with test_config() changed by `adjust`; throws when start() fails.
  explicit running_app(const std::function<void(config::config&)>& adjust = {}) {
    cfg_ = test_config(dir_);
    if (adjust) adjust(cfg_);
    app_ = std::make_unique<app::app>(cfg_);
    auto bound = app_->start();
    if (!bound) throw std::runtime_error("app start failed: " + bound.error().message);
    bound_ = *bound;
    thread_ = std::thread([this] { app_->run(); });
  }
  ~running_app() { stop(); }
  running_app(const running_app&) = delete;
  running_app& operator=(const running_app&) = delete;

  // Stops gracefully and waits until run() returned. Idempotent.
  void stop() {
    if (thread_.joinable()) {
      app_->stop();
      thread_.join();
    }
  }

  std::uint16_t ingest_port() const { return bound_.ingest_port; }
  std::uint16_t query_port() const { return bound_.query_port; }
  const app::bound_endpoints& bound() const { return bound_; }
  const config::config& cfg() const { return cfg_; }
  const temp_dir& dir() const { return dir_; }
  // Store options for opening a store::reader on the app's database.
  store::options store_options() const {
    store::options o;
    o.path = cfg_.store.path;
    return o;
  }

 private:
  temp_dir dir_;
  config::config cfg_;
  std::unique_ptr<app::app> app_;
  app::bound_endpoints bound_;
  std::thread thread_;
};

}  // namespace rcvault::test
