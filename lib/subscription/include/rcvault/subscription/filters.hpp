#pragma once
// Event filters as rcvault compares them (docs/deploy.md, section 4a): RingCentral echoes a
// filter with `~` expanded to ids and may order query parameters its own way,
// so both sides are normalised before they are compared as sets. Pure: no I/O.

#include <string>
#include <string_view>
#include <vector>

namespace rcvault::subscription {

// The default filters of one mailbox: instant SMS, voicemail, inbound fax and
// the message store of extension `extension_id` ("~" for the token's owner).
std::vector<std::string> mailbox_filters(std::string_view extension_id);

// The default filters of every mailbox in `extension_ids` (in that order);
// of the token's owner ("~") when the list is empty.
std::vector<std::string> default_filters(const std::vector<std::string>& extension_ids);

// `filter` normalised: the account segment becomes "~" (one account per
// archive; RingCentral writes its id), an extension "~" becomes `owner_id`
// (the token's extension id), and query parameters are sorted.
// "/restapi/v1.0/account/~/extension/~/fax?direction=Inbound" with owner 101
// -> "/restapi/v1.0/account/~/extension/101/fax?direction=Inbound".
std::string normalise_filter(std::string_view filter, std::string_view owner_id);

// True when `wanted` and `subscribed` (the enabled and disabled filters
// RingCentral lists, together) are the same set once normalised.
bool same_filters(const std::vector<std::string>& wanted, const std::vector<std::string>& subscribed,
                  std::string_view owner_id);

}  // namespace rcvault::subscription
