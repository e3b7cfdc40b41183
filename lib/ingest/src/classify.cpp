#include "rcvault/ingest/parse.hpp"

#include "event_path.hpp"

#include <array>
#include <cstddef>

namespace rcvault::ingest {
namespace detail {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The segments of a path, at most N of them (more are counted, not kept), without
// scheme://host, query string and fragment; empty segments are skipped.
template <std::size_t N>
struct segments {
  std::array<std::string_view, N> part{};
  std::size_t count = 0;

  explicit segments(std::string_view path) noexcept {
    path = path.substr(0, path.find_first_of("?#"));
    if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
      auto slash = path.find('/', scheme + 3);
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    while (!path.empty()) {
      auto slash = path.find('/');
      auto seg = path.substr(0, slash);
      if (!seg.empty()) {
        if (count < N) part[count] = seg;
        ++count;
      }
      if (slash == std::string_view::npos) break;
      path.remove_prefix(slash + 1);
    }
  }
  std::string_view operator[](std::size_t i) const noexcept { return i < N && i < count ? part[i] : std::string_view(); }
};

// True for "/restapi/v1.0/account/{a}/extension/{e}/..." whatever the ids look like.
template <std::size_t N>
bool is_extension_path(const segments<N>& s) noexcept {
  return s.count >= 6 && iequals(s[0], "restapi") && iequals(s[1], "v1.0") && iequals(s[2], "account") &&
         !s[3].empty() && iequals(s[4], "extension") && !s[5].empty();
}

}  // namespace

std::optional<std::string_view> extension_in_path(std::string_view path) noexcept {
  // URIs of records may carry a prefix before /restapi ("https://host", "..."),
  // so look for the account/extension pair anywhere.
  segments<16> s(path);
  for (std::size_t i = 0; i + 3 < s.count && i + 3 < 16; ++i) {
    if (iequals(s[i], "account") && iequals(s[i + 2], "extension")) {
      auto e = s[i + 3];
      if (e.empty() || e == "~") return std::nullopt;
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace detail

core::event_kind classify(std::string_view event_path, bool body_has_changes_list) noexcept {
  using core::event_kind;
  using detail::iequals;
  detail::segments<9> s(event_path);
  if (s.count >= 3 && iequals(s[0], "restapi") && iequals(s[1], "v1.0") && iequals(s[2], "subscription"))
    return event_kind::subscription_reminder;
  if (!detail::is_extension_path(s)) return event_kind::other;
  if (s.count == 7 && iequals(s[6], "voicemail")) return event_kind::voicemail;
  if (s.count == 7 && iequals(s[6], "fax")) return event_kind::fax;
  if (s.count == 8 && iequals(s[6], "message-store") && iequals(s[7], "instant"))
    return event_kind::instant_message;
  if (s.count == 7 && iequals(s[6], "message-store"))
    return body_has_changes_list ? event_kind::message_store_changes : event_kind::other;
  return event_kind::other;
}

}  // namespace rcvault::ingest

namespace rcvault::ingest {

std::string mailbox_of(const core::notification& n) {
  if (auto e = detail::extension_in_path(n.event)) return std::string(*e);
  return n.owner_id.value_or(std::string());
}

}  // namespace rcvault::ingest
