#pragma once
// Typed reads of documented JSON fields that remember the first field of the
// wrong type, so a body either normalises fully or yields one precise reason.

#include "rcvault/core/message.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::ingest::detail {

// Returns the decimal text of an id sent as a string or as an integer (int64 or
// uint64, digit for digit); nullopt for any other JSON type, doubles included.
std::optional<std::string> id_text(const boost::json::value& v);

// Where a field sits, rendered only when a read fails: "body.to[1].phoneNumber".
struct field_path {
  std::string_view parent;   // "body", "body.to", "record.attachments"
  int index = -1;            // array position under parent, -1 for none
};

// Reads fields; each read of a JSON null yields nullopt (null is absent). The
// first failed read is kept in reason(); later failures do not overwrite it.
class field_reader {
 public:
  bool ok() const noexcept { return reason_.empty(); }
  const std::string& reason() const noexcept { return reason_; }
  // Records a failure of `key` under `at` unless one is already recorded.
  void fail(field_path at, std::string_view key, std::string_view what);

  std::optional<std::string> text(const boost::json::value& v, field_path at, std::string_view key);
  std::optional<std::string> id(const boost::json::value& v, field_path at, std::string_view key);
  std::optional<std::int64_t> integer(const boost::json::value& v, field_path at, std::string_view key);
  std::optional<bool> boolean(const boost::json::value& v, field_path at, std::string_view key);
  // ISO 8601 in any form core::parse_iso8601 accepts (a missing zone means UTC).
  std::optional<core::millis> time(const boost::json::value& v, field_path at, std::string_view key);

 private:
  std::string reason_;
};

// Returns a copy of `v` in the default storage with every integer id turned
// into its decimal text: values of keys named "id" or ending in "Id", and
// elements of arrays under keys ending in "Ids". Depth is bounded by the parser.
boost::json::value with_ids_as_text(const boost::json::value& v, std::string_view key);

}  // namespace rcvault::ingest::detail
