#pragma once
// The walk-back of a full sync (docs/sync.md), as a pure function of the
// stored cursor and one FSync page, so its rules are tested without I/O.
// Message Sync has no paging: while olderRecordsExist, the next page asks
// dateTo = the oldest creationTime seen plus 1 ms and skips ids already
// seen (whether dateTo is inclusive is not documented; this is right either
// way); a page with no new id moves dateTo to its oldest time.

#include "rcvault/ingest/parse.hpp"
#include "rcvault/ringcentral/client.hpp"
#include "rcvault/store/sync_state.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace rcvault::sync {

struct walk_step {
  std::vector<std::size_t> submit;          // indexes into page.records to store, in page order
  bool done = false;                        // the walk-back ended with this page
  bool stalled = false;                     // no new id: dateTo moved to the page's oldest time
  std::optional<core::millis> next_date_to; // when !done
  std::vector<store::seen_record> next_seen;  // ids at the next cursor time, when !done
};

// Decides what to store of `page` and where the walk-back goes next, given
// the cursor it was asked with. Records without an id are always stored
// (their uuid dedups them). Ends the walk (done) when olderRecordsExist is
// false, or when no record carries a creationTime to walk back from.
walk_step plan_full_page(const store::full_sync_progress& cursor, const ingest::sync_page& page);

// True when a Message Sync refusal means the token is no longer accepted and
// a full sync must follow: MSG-333, or CMN-101 naming syncToken.
bool token_refused(const ringcentral::api_error& e);

}  // namespace rcvault::sync
