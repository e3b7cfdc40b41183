#pragma once
// Reading RingCentral event filter paths and resource URIs.

#include <optional>
#include <string_view>

namespace rcvault::ingest::detail {

// Returns the extension id of a ".../account/{a}/extension/{e}/..." path or
// URI (query string and scheme://host allowed), or nullopt when there is none
// or it is '~' (the subscriber itself: the path does not say who).
std::optional<std::string_view> extension_in_path(std::string_view path) noexcept;

}  // namespace rcvault::ingest::detail
