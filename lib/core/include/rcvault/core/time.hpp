#pragma once
// ISO 8601 times as RingCentral sends them, and rcvault's one output form.

#include "rcvault/core/message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace rcvault::core {

// Parses "YYYY-MM-DDTHH:MM[:SS[.f{1,9}]](Z|+HH:MM|+HHMM|-HH:MM|-HHMM)" and, when
// `assume_utc_without_zone` is set, the same without a zone; also a date alone
// ("YYYY-MM-DD", midnight UTC) for query filters. Returns milliseconds since the
// epoch (fraction truncated to ms), or nullopt for anything malformed or out of range.
std::optional<millis> parse_iso8601(std::string_view s, bool assume_utc_without_zone = false) noexcept;

// The wall clock now, in milliseconds since the epoch (what received_at,
// updated_at and the like store).
millis now_ms() noexcept;

// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC); times outside the years
// 0000..9999 are clamped to that range.
std::string format_iso8601(millis t);

}  // namespace rcvault::core
