#pragma once
// The attachment fetcher's glue (docs/attachments.md): the one mapping from
// the [attachments] configuration to its options, /v1/sync's "attachments"
// object, and the downloads after a `rcvault sync` pass.

#include "rcvault/attachments/fetcher.hpp"
#include "rcvault/config/config.hpp"
#include "rcvault/store/writer.hpp"

#include <functional>
#include <string>

namespace rcvault::app::detail {

// True when content is downloaded: the API configured and attachments.download on.
bool fetches_attachments(const config::config& cfg);

// The fetcher's options: attachments.dir (resolved by load), the limits, the
// configured server (for uri rewriting) and the store.
attachments::fetcher_options fetcher_options_of(const config::config& cfg);

// `sync_json` (sync::to_json) with the fetcher's status as "attachments".
std::string with_attachments(const std::string& sync_json, const attachments::fetcher_status& s);

// rcvault sync: downloads every attachment due now through its own API
// client on the calling thread; `stop_requested` is looked at every 200 ms
// (a signal) and cancels the downloads. Returns what was done.
attachments::drain_report download_due_attachments(const config::config& cfg, store::writer& writer,
                                                   const std::function<bool()>& stop_requested);

}  // namespace rcvault::app::detail
