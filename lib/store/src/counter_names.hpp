#pragma once
// Names of the per-value rows of the counters table, written by the writer and
// read by the reader (a type or direction nobody has matches no message).

#include <string>

namespace rcvault::store::detail {

// Returns the counter of messages whose type is `type` ("messages.type.SMS").
inline std::string type_counter(const std::string& type) { return "messages.type." + type; }

// Returns the counter of messages whose direction is `direction`.
inline std::string direction_counter(const std::string& direction) { return "messages.direction." + direction; }

}  // namespace rcvault::store::detail
