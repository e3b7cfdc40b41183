#pragma once
// Both listeners of the daemon wired to their handlers: the webhook on the
// ingest listener, the query API on the query listener. Free of Beast, so the
// app can own it without compiling any HTTP code.

#include "rcvault/accept/gateway.hpp"
#include "rcvault/http/listen_options.hpp"
#include "rcvault/store/reader_pool.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rcvault::http {

class metrics;

// What the two listeners are built from (the config's ingest, query and http sections).
struct service_options {
  listen_spec ingest_listen;
  listen_spec query_listen{"127.0.0.1", 0, {}};
  std::string ingest_path = "/webhook";
  std::optional<std::string> verification_token;  // secret: never logged
  std::size_t max_body_bytes = 1048576;
  std::optional<std::string> query_token;         // secret: never logged
  server_limits limits;
  std::function<std::string()> sync_status;       // GET /v1/sync's body (thread-safe); empty: sync is off
  std::function<std::string()> subscription_status;  // GET /v1/subscription's body (thread-safe); empty: none kept
  std::filesystem::path attachments_dir;          // attachments.dir, read by the attachment content endpoint
};

class service {
 public:
  // Binds both listeners (ingest first). Throws std::system_error whose
  // message names the config key and address that could not be bound. The
  // references must outlive the service and every request it serves.
  // Webhook bodies go to `gateway`; `writer` is read for readiness and metrics.
  service(boost::asio::io_context& io, const service_options& opts, store::writer& writer, accept::gateway& gateway,
          store::reader_pool& readers, metrics& stats);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // The bound ingest address "HOST:PORT" and its port.
  std::string ingest_address() const;
  std::uint16_t ingest_port() const;
  // The bound query address ("HOST:PORT" or "unix:/path") and its port (0 for unix).
  std::string query_address() const;
  std::uint16_t query_port() const;

  // Starts accepting on both listeners.
  void start();
  // Stops accepting; idle connections close, in-flight requests still get answered. Io thread only.
  void stop();
  // Closes every connection now. Io thread only.
  void abort();
  // Open connections on both listeners. Io thread only.
  std::size_t connections() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::http
