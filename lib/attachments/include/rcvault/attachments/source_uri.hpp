#pragma once
// Which URL an attachment is downloaded from (docs/attachments.md).

#include <string>
#include <string_view>

namespace rcvault::attachments {

// `uri` as RingCentral gave it, except against a server that is not
// RingCentral's own (ringcentral.server naming a host outside
// ringcentral.com and ringcentral.biz: a test's fake): an https uri on such
// a RingCentral host then gets the server's scheme, host and port instead,
// its path and query kept. Pure.
std::string source_uri(std::string_view uri, std::string_view server);

}  // namespace rcvault::attachments
