#include "rcvault/core/version_fold.hpp"

#include <algorithm>

namespace rcvault::core {

std::optional<folded_message> fold_versions(std::vector<message_version> versions) {
  if (versions.empty()) return std::nullopt;
  std::sort(versions.begin(), versions.end(),
            [](const message_version& a, const message_version& b) { return a.key < b.key; });
  folded_message out{std::move(versions.front().msg), versions.back().key, 0};
  for (std::size_t i = 1; i < versions.size(); ++i) merge_newer(out.msg, versions[i].msg);
  // Without a creationTime in any version the message keeps the base of its oldest.
  out.sort_base = out.msg.creation_time.value_or(versions.front().key.time);
  return out;
}

}  // namespace rcvault::core
