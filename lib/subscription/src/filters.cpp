#include "rcvault/subscription/filters.hpp"

#include <algorithm>
#include <set>

namespace rcvault::subscription {
namespace {

// Replaces the path segment after `/name/` when `replace` says so.
std::string rewrite_segment(std::string path, std::string_view name, std::string_view owner_id, bool account) {
  const std::string marker = "/" + std::string(name) + "/";
  std::size_t at = 0;
  while ((at = path.find(marker, at)) != std::string::npos) {
    const std::size_t start = at + marker.size();
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view value(path.data() + start, end - start);
    if (account) path.replace(start, end - start, "~");
    else if (value == "~" && !owner_id.empty()) path.replace(start, end - start, owner_id);
    at = start;
  }
  return path;
}

}  // namespace

std::vector<std::string> mailbox_filters(std::string_view extension_id) {
  const std::string base = "/restapi/v1.0/account/~/extension/" + std::string(extension_id);
  return {base + "/message-store/instant?type=SMS", base + "/voicemail", base + "/fax?direction=Inbound",
          base + "/message-store"};
}

std::vector<std::string> default_filters(const std::vector<std::string>& extension_ids) {
  if (extension_ids.empty()) return mailbox_filters("~");
  std::vector<std::string> out;
  for (const auto& id : extension_ids) {
    auto f = mailbox_filters(id);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

std::string normalise_filter(std::string_view filter, std::string_view owner_id) {
  const auto q = filter.find('?');
  std::string path(filter.substr(0, q));
  path = rewrite_segment(std::move(path), "account", owner_id, true);
  path = rewrite_segment(std::move(path), "extension", owner_id, false);
  if (q == std::string_view::npos) return path;
  std::vector<std::string> params;
  std::string_view rest = filter.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    if (amp != 0) params.emplace_back(rest.substr(0, amp));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  std::sort(params.begin(), params.end());
  if (params.empty()) return path;
  path += '?';
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) path += '&';
    path += params[i];
  }
  return path;
}

bool same_filters(const std::vector<std::string>& wanted, const std::vector<std::string>& subscribed,
                  std::string_view owner_id) {
  std::set<std::string> a;
  std::set<std::string> b;
  for (const auto& f : wanted) a.insert(normalise_filter(f, owner_id));
  for (const auto& f : subscribed) b.insert(normalise_filter(f, owner_id));
  return a == b;
}

}  // namespace rcvault::subscription
