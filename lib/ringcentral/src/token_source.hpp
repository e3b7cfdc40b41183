#pragma once
// The access token (docs/sync.md, "Credentials"): a JWT bearer grant, kept
// fresh with the refresh token when one was issued (before 80 % of
// expires_in), else with a new grant. One token request is in flight at a
// time; callers that need a token meanwhile await that one, and all of them
// switch to the new token at once (RingCentral invalidates the old one).
//
// Threading: access_token(), rejected(), redact() and cancel() on the io
// thread; status() from any thread.

#include "rcvault/ringcentral/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace rcvault::ringcentral {

struct token_options {
  std::string client_id;
  std::string client_secret;
  std::string jwt;
  std::chrono::milliseconds jwt_retry{600'000};
};

class token_source {
 public:
  // Posts a form to the token endpoint (paced in the auth group, retried
  // through 5xx and network errors) and returns the 2xx answer or the error.
  using poster = std::function<boost::asio::awaitable<api_result<api_response>>(std::string form)>;

  token_source(boost::asio::any_io_executor ex, token_options opts, poster post);

  // Returns a usable access token, getting one first when none is held or it
  // is due for renewal. A refused JWT grant fails with code "token_refused"
  // without a request until jwt_retry has passed; other failures keep their code.
  boost::asio::awaitable<api_result<std::string>> access_token();

  // The held token when it is not due for renewal: read right before a
  // request goes out, so no request leaves with a token another caller has
  // just replaced.
  std::optional<std::string> ready_token() const;

  // An API call made with `token` was answered 401: the next access_token()
  // gets a new one (once, however many calls saw the 401).
  void rejected(const std::string& token);

  // What /v1/sync shows. Thread-safe.
  token_status status() const;

  // Returns `text` with every secret it holds (client secret, JWT, access and
  // refresh token) replaced by "[redacted]".
  std::string redact(std::string text) const;

  // Fails pending and later calls with "cancelled".
  void cancel();

 private:
  boost::asio::awaitable<api_result<std::string>> fetch();
  boost::asio::awaitable<api_result<api_response>> grant();
  api_error refused_error() const;
  void adopt(const api_response& answer);
  void publish();

  using clock = std::chrono::steady_clock;
  token_options opts_;
  poster post_;
  boost::asio::steady_timer flight_done_;  // waiters of the request in flight wait on it
  bool in_flight_ = false;
  bool cancelled_ = false;
  std::uint64_t flights_ = 0;              // completed token requests
  api_result<std::string> last_flight_{std::string()};

  std::string access_;
  std::string refresh_;
  clock::time_point renew_at_{};           // 80 % of expires_in
  clock::time_point refresh_expires_at_{};
  std::optional<std::int64_t> expires_at_ms_;
  std::string owner_id_;
  std::string scope_;                      // the grant's "scope": app permissions, not a secret
  bool failed_ = false;
  clock::time_point refused_at_{};
  api_error refusal_;

  mutable std::mutex status_mutex_;
  token_status shown_;
};

}  // namespace rcvault::ringcentral
