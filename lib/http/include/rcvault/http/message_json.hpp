#pragma once
// Messages in RingCentral's record shape (camelCase, ids as strings, times as
// YYYY-MM-DDTHH:MM:SS.mmmZ, absent fields omitted, unknown stored fields merged
// back in), and as the rows of the CSV export.

#include "rcvault/core/message.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace rcvault::http {

// Returns the message as a JSON record. Typed fields win over `extra` keys of the same name.
boost::json::object message_to_json(const core::message& m);

// The CSV header line of the export (docs/api.md, "Exports"), ending in CRLF.
std::string_view message_csv_header() noexcept;

// One CSV line for `m` (RFC 4180 quoting), ending in CRLF.
std::string message_csv_row(const core::message& m);

// Returns `s` with every invalid UTF-8 sequence replaced by U+FFFD, so bytes
// stored as received can be put into a JSON string.
std::string valid_utf8(std::string_view s);

}  // namespace rcvault::http
