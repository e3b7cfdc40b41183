#include "rcvault/core/event_kind.hpp"

#include <array>
#include <utility>

namespace rcvault::core {
namespace {
constexpr std::array<std::pair<event_kind, std::string_view>, 7> kinds{{
    {event_kind::instant_message, "instant_message"},
    {event_kind::voicemail, "voicemail"},
    {event_kind::fax, "fax"},
    {event_kind::message_store_changes, "message_store_changes"},
    {event_kind::subscription_reminder, "subscription_reminder"},
    {event_kind::other, "other"},
    {event_kind::api_record, "api_record"},
}};
constexpr std::array<std::pair<outcome, std::string_view>, 3> outcomes{{
    {outcome::applied, "applied"},
    {outcome::stale, "stale"},
    {outcome::unnormalised, "unnormalised"},
}};
}  // namespace

std::string_view to_string(event_kind k) noexcept {
  for (auto& [v, s] : kinds)
    if (v == k) return s;
  return "other";
}

std::optional<event_kind> event_kind_from_string(std::string_view s) noexcept {
  for (auto& [v, n] : kinds)
    if (n == s) return v;
  return std::nullopt;
}

std::string_view to_string(outcome o) noexcept {
  for (auto& [v, s] : outcomes)
    if (v == o) return s;
  return "applied";
}

std::optional<outcome> outcome_from_string(std::string_view s) noexcept {
  for (auto& [v, n] : outcomes)
    if (n == s) return v;
  return std::nullopt;
}

}  // namespace rcvault::core
