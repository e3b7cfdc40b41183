#pragma once
// Parsed JSON objects to notifications: the shared core of parse_envelope,
// parse_record, renormalise and for_each_import_item.

#include "rcvault/core/error.hpp"
#include "rcvault/core/notification.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace rcvault::ingest::detail {

// True when `o` has a `uuid` or a `body`: it means to be an envelope.
bool looks_like_envelope(const boost::json::object& o) noexcept;

// True when `o` has an `id` and at least one field only message records carry.
bool looks_like_message_record(const boost::json::object& o) noexcept;

// Builds the notification of an envelope object; invalid_envelope naming what
// is missing. `forced_kind` replaces classification (renormalise of a stored kind).
core::result<core::notification> notification_from_envelope(const boost::json::object& root, std::string_view raw,
                                                            std::optional<core::event_kind> forced_kind);

// Builds the api_record notification of a REST message record; invalid_record
// when it is not a message record or its id is unusable.
core::result<core::notification> notification_from_record(const boost::json::object& record, std::string_view raw);

}  // namespace rcvault::ingest::detail
