#pragma once
// RingCentral's REST API over HTTPS (docs/sync.md): reused connections (a few per host),
// the token source (JWT bearer grant, refresh ahead of expiry), pacing per
// rate-limit group, Retry-After and X-Rate-Limit-* honoured, backoff with
// jitter on 5xx and network errors. It returns raw response bodies and knows
// no database. Secrets never reach a log line, an error, a metric or an answer.
//
// Threading: a client lives on one io_context (the API thread's); every call
// is a coroutine on that io_context. status() and the stats are thread-safe.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::ringcentral {

// RingCentral's rate-limit groups that rcvault uses (docs/sync.md).
enum class rate_group { light, medium, auth };

// Returns "light", "medium" or "auth".
std::string_view to_string(rate_group g) noexcept;

struct client_options {
  std::string server = "https://platform.ringcentral.com";  // scheme://host[:port], no path
  std::string client_id;
  std::string client_secret;                 // secret
  std::string jwt;                           // secret
  std::optional<std::filesystem::path> ca_file;  // trusted besides the system store
  unsigned light_per_minute = 40;
  unsigned medium_per_minute = 30;
  unsigned auth_per_minute = 4;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};
  std::size_t max_response_bytes = 64u << 20;
  std::chrono::milliseconds backoff_min{2'000};    // first wait after a 5xx / network error
  std::chrono::milliseconds backoff_max{300'000};  // cap of the doubling
  std::chrono::milliseconds jwt_retry{600'000};    // after a refused JWT grant
  unsigned max_attempts = 6;                 // tries of one call through 5xx / network errors before it fails
  std::string user_agent = "rcvault";
};

// A failure: RingCentral's answer or ours. `message` is safe to log.
struct api_error {
  unsigned http_status = 0;     // 0 when no HTTP answer came
  std::string code;             // RingCentral's errorCode ("MSG-333", "CMN-419", "OAU-140", "SUB-525") or
                                // ours: "network", "timeout", "tls", "too_large", "invalid_response",
                                // "cancelled", "token_refused"
  std::string message;
  std::string parameter_name;   // errors[0].parameterName when given
};

template <class T>
using api_result = boost::system::result<T, api_error>;

// Found by ADL from api_result<T>::value(); throws std::runtime_error(message).
[[noreturn]] void throw_exception_from_error(api_error const& e, boost::source_location const& loc);

// One HTTP answer of the API: 2xx only (others are api_error).
struct api_response {
  unsigned status = 200;
  std::string body;
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names
};

// What /v1/sync shows about the token (never the token itself).
struct token_status {
  enum class state { none, ok, failed } state = state::none;
  std::optional<std::int64_t> expires_at_ms;  // wall clock, ms since the epoch
  std::optional<api_error> error;             // the last refusal, when failed
  std::string owner_id;                       // the token's extension id ("" until the first grant)
  std::string scope;                          // the app permissions it grants, space-separated ("ReadMessages ...")
};

// Counters for /metrics. Thread-safe snapshot.
struct client_stats {
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests;  // (endpoint template, HTTP code or 0) -> count
  std::map<std::string, std::uint64_t> rate_limited;                   // group -> 429 count
};

// Where a download goes: called with each chunk of the body in order; returns
// false to stop (the call then fails with code "cancelled").
using body_sink = std::function<bool(std::string_view chunk)>;

class client {
 public:
  // Does no I/O. `opts.server` must already be validated (config).
  client(boost::asio::io_context& io, client_options opts);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // GET `path_and_query` ("/restapi/v1.0/...") in `group`, with the bearer
  // token; `endpoint` is the path template for the metrics
  // ("/restapi/v1.0/account/~/extension/{extensionId}/message-sync").
  boost::asio::awaitable<api_result<api_response>> get(std::string path_and_query, rate_group group,
                                                       std::string endpoint);
  // POST / PUT / DELETE with a JSON body ("" for none), likewise.
  boost::asio::awaitable<api_result<api_response>> send(std::string method, std::string path_and_query,
                                                        std::string json_body, rate_group group,
                                                        std::string endpoint);

  // GET an absolute `url` (an attachment uri), following at most 5 redirects,
  // never https to http; the bearer token only to https://*.ringcentral.com,
  // https://*.ringcentral.biz and the configured server. The body goes to
  // `sink`; stops with code "too_large" past `max_bytes`. Returns the final
  // response's status and headers (body empty).
  boost::asio::awaitable<api_result<api_response>> download(std::string url, rate_group group, std::size_t max_bytes,
                                                            body_sink sink);

  // Makes sure a token is held (a grant when none): proves the credentials.
  boost::asio::awaitable<api_result<token_status>> ensure_token();

  // Thread-safe.
  token_status status() const;
  client_stats stats() const;

  // Cancels every request and wait now (SIGTERM); calls then fail with
  // "cancelled". Io thread only.
  void cancel();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::ringcentral
