#pragma once
// Rows of sync_mailboxes (migrations/0003_sync_state.sql): the writer applies
// a checkpoint inside its batch transaction; the read side decodes rows.

#include "rcvault/store/sync_state.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <string_view>
#include <vector>

namespace rcvault::store::detail {

// Replaces `cp.extension_id`'s row with `cp` (insert or update). Runs in the
// caller's transaction; throws SQLite::Exception on failure (the batch rolls back).
void apply_sync_checkpoint(SQLite::Database& db, const sync_checkpoint& cp);

// The columns read_sync_row expects, in order, for a SELECT.
inline constexpr std::string_view sync_columns =
    "extension_id, state, sync_token, full_token, full_date_from, full_date_to, full_seen, "
    "last_full_sync_at, last_sync_at, records, error_code, error_message";

// Decodes the current row of a SELECT of sync_columns.
sync_checkpoint read_sync_row(SQLite::Statement& q);

// "id:creationTime id:creationTime ..." and back (malformed entries skipped).
std::string encode_seen(const std::vector<seen_record>& seen);
std::vector<seen_record> decode_seen(std::string_view text);

}  // namespace rcvault::store::detail
