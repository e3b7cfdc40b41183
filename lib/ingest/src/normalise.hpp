#pragma once
// Message bodies and change lists to core types (docs/ingest.md, "Ids, times, phone numbers").

#include "rcvault/core/message.hpp"
#include "rcvault/core/notification.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::ingest::detail {

// A normalised message, or (msg empty) the reason naming the field at fault.
struct normalised {
  std::optional<core::message> msg;
  std::string reason;
};

// Normalises one message body: an envelope's `body` (prefix "body") or a REST
// record (prefix "record"). owner_id is body.owner.extensionId, else
// `owner_fallback`. Undocumented fields go to extra (nulls dropped, ids as text).
normalised normalise_message(const boost::json::object& body, std::string_view prefix,
                             std::optional<std::string> owner_fallback);

// Parses a message-store `changes` list into `out`; returns "" or the reason.
std::string normalise_changes(const boost::json::array& changes, std::vector<core::change>& out);

// Returns "VoiceMail" for any casing of "voicemail", the canonical spelling of
// the other documented types (SMS, Fax, Pager, Text) in any casing, else `type`.
std::string canonical_type(std::string_view type);

}  // namespace rcvault::ingest::detail
