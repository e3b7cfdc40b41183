#pragma once
// What a download that did not succeed becomes in the archive
// (docs/attachments.md): 404 gone, 403 forbidden, too large, or failed with
// a reason and a retry time by backoff. Pure; internal.

#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/attachment_archive.hpp"

#include <chrono>

namespace rcvault::attachments::detail {

struct retry_policy {
  std::chrono::milliseconds min{60'000};
  std::chrono::milliseconds max{6 * 3'600'000};
  std::chrono::milliseconds rate_limited{60'000};
};

// The wait before the next try after `attempts` tries that failed (1: min),
// doubling up to max.
std::chrono::milliseconds retry_delay(std::int64_t attempts, const retry_policy& p) noexcept;

// "404 CMN-102: Resource for parameter [attachmentId] is not found"; the
// status is left out when no HTTP answer came ("timeout: ...").
std::string reason_of(const ringcentral::api_error& e);

// The result for `row` after a download failed with `e` at `now`.
store::attachment_result failure_result(const store::archived_attachment& row, const ringcentral::api_error& e,
                                        core::millis now, const retry_policy& p);

}  // namespace rcvault::attachments::detail
