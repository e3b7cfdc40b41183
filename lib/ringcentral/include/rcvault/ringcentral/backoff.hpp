#pragma once
// The retry policy of the API client (docs/sync.md, "Limits"): which failures
// are tried again, and how long to wait before the next try.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rcvault::ringcentral {

// True for failures worth another try after a backoff: HTTP 5xx and our
// codes "network", "timeout", "tls". 429 is not here: it waits Retry-After.
bool is_retryable(unsigned http_status, std::string_view code) noexcept;

// Exponential backoff with jitter: the wait before try `failures` + 1 is drawn
// from [d/2, d] where d = min(max, min * 2^(failures - 1)), so many clients
// that failed together do not come back together. `random` in [0, 1).
std::chrono::milliseconds backoff_delay(unsigned failures, std::chrono::milliseconds min,
                                        std::chrono::milliseconds max, double random) noexcept;

// Reads Retry-After (delta-seconds; an HTTP date counts as absent) and
// returns the wait; nullopt when absent or unreadable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) noexcept;

}  // namespace rcvault::ringcentral
