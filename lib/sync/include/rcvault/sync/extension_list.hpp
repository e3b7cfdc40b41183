#pragma once
// sync.extensions = "all": the account's extensions whose message stores
// rcvault reads (docs/sync.md): types User, Department (call queues),
// DigitalUser, VirtualUser, FaxUser, Voicemail; status Enabled, Disabled or Frozen.

#include "rcvault/core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rcvault::sync {

// The query of page `page` of the extension list (types and statuses asked
// for, 1000 a page): "/restapi/v1.0/account/~/extension?...".
std::string extension_list_path(unsigned page);

// One page of GET /account/~/extension.
struct extension_page {
  std::vector<std::string> ids;  // extensions of a synced type and status, ids as text digit for digit
  bool more = false;             // navigation.nextPage is there (or paging says more pages follow)
};

// Parses one page; records of other types or statuses are left out (the
// server may ignore the filters). invalid_json / invalid_record naming the field.
core::result<extension_page> parse_extension_page(std::string_view body);

}  // namespace rcvault::sync
