#include "failure.hpp"

#include <algorithm>

namespace rcvault::attachments::detail {

std::chrono::milliseconds retry_delay(std::int64_t attempts, const retry_policy& p) noexcept {
  auto d = std::max(p.min, std::chrono::milliseconds(1));
  for (std::int64_t i = 1; i < attempts && d < p.max; ++i) d *= 2;
  return std::min(d, p.max);
}

std::string reason_of(const ringcentral::api_error& e) {
  std::string out;
  if (e.http_status != 0) out = std::to_string(e.http_status) + " ";
  out += e.code;
  if (!e.message.empty()) out += ": " + e.message;
  return out;
}

store::attachment_result failure_result(const store::archived_attachment& row, const ringcentral::api_error& e,
                                        core::millis now, const retry_policy& p) {
  store::attachment_result r;
  r.message_row = row.message_row;
  r.attachment_id = row.attachment_id;
  r.reason = reason_of(e);
  if (e.http_status == 404) {
    r.state = store::archive_state::gone;  // purged at RingCentral: final
  } else if (e.http_status == 403) {
    r.state = store::archive_state::forbidden;
  } else if (e.code == "too_large") {
    r.state = store::archive_state::too_large;
  } else {
    r.state = store::archive_state::failed;
    auto wait = retry_delay(row.attempts + 1, p);
    // The client waited out RingCentral's Retry-After as often as it may; the
    // next try waits at least a window more.
    if (e.http_status == 429) wait = std::max(wait, p.rate_limited);
    r.retry_at = now + wait.count();
  }
  return r;
}

}  // namespace rcvault::attachments::detail
