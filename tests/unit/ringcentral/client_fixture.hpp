#pragma once
// Shared by the client's tests: run a coroutine to completion on an
// io_context, default client options for the fake, and reading its log.

#include "fake_process.hpp"
#include "rcvault/ringcentral/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace rcvault::test {

// Runs `a` on `io` until it finishes and returns its value; rethrows its exception.
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> a) {
  std::optional<T> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    failure = e;
    if (!e) out.emplace(std::move(v));
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

// Options for the fake: its credentials, fast backoff, high ceilings (the
// fake advertises light=50 by default, so tests raise it with --rate-limit).
inline ringcentral::client_options fake_options(const fake_process& fake) {
  ringcentral::client_options o;
  o.server = fake.base();
  o.client_id = std::string(fake_client_id);
  o.client_secret = std::string(fake_client_secret);
  o.jwt = std::string(fake_jwt);
  o.light_per_minute = 6000;
  o.medium_per_minute = 6000;
  o.auth_per_minute = 60;
  o.backoff_min = std::chrono::milliseconds(100);
  o.backoff_max = std::chrono::milliseconds(800);
  o.connect_timeout = std::chrono::milliseconds(5000);
  o.request_timeout = std::chrono::milliseconds(10000);
  if (!fake.ca().empty()) o.ca_file = fake.ca();
  return o;
}

// The fake's arguments that lift its advertised limits above what a test sends.
inline std::vector<std::string> high_limits(std::vector<std::string> more = {}) {
  std::vector<std::string> a = {"--rate-limit", "light=100000", "--rate-limit", "medium=100000", "--rate-limit",
                                "auth=1000"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

inline const std::string own_extension = "/restapi/v1.0/account/~/extension/~";
inline const std::string own_extension_template = "/restapi/v1.0/account/~/extension/{extensionId}";
inline const std::string sync_path = "/restapi/v1.0/account/~/extension/~/message-sync?syncType=FSync&recordCount=10";
inline const std::string sync_template = "/restapi/v1.0/account/~/extension/{extensionId}/message-sync";

// Counts log entries with `key` equal to `value`.
inline std::size_t count_where(const std::vector<boost::json::object>& log, std::string_view key, std::string_view value) {
  std::size_t n = 0;
  for (const auto& r : log) {
    if (auto* v = r.if_contains(key); v && v->is_string() && v->get_string() == value) ++n;
  }
  return n;
}

inline double time_of(const boost::json::object& r) { return r.at("t").to_number<double>(); }
inline std::int64_t status_of(const boost::json::object& r) { return r.at("status").to_number<std::int64_t>(); }

}  // namespace rcvault::test
