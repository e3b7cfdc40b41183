#pragma once
// The subcommands of the rcvault binary (README.md, `rcvault --help`). Each returns the
// process exit code: 0 success, 1 runtime failure, 2 usage or configuration
// error, after writing at most one error line to stderr for a failure.

#include "rcvault/config/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace rcvault::app {

// Runs the daemon until SIGTERM/SIGINT (graceful: drain, commit, checkpoint).
int serve(const config::config& cfg);

// Applies pending migrations, or with `status_only` prints their status.
int migrate(const config::config& cfg, bool status_only);

// Imports NDJSON / a JSON array / one JSON object from `file` ("-" = stdin);
// prints "N stored, N duplicate, N rejected"; 1 when any item was rejected.
int import_file(const config::config& cfg, const std::string& file);

// Online backup of the database into `out`.
int backup(const config::config& cfg, const std::filesystem::path& out);

// Validates config (already done by the caller), opens the database, runs integrity_check;
// with the RingCentral API configured also proves the credentials and permissions.
int check(const config::config& cfg);

// `check --attachments` (docs/attachments.md): verifies that every stored
// attachment content has its file under attachments.dir with its size and
// sha256; prints a line per missing or corrupt file ("missing: PATH ...",
// "corrupt: PATH: ...") and a summary; 1 when any is missing or corrupt, 2
// when the database is absent or its schema not current. Reads only.
int check_attachments(const config::config& cfg);

// `compact` (docs/storage.md): brings the database's schema up to date, then
// re-encodes every raw payload not stored with the newest zstd dictionary,
// training a new dictionary version first when none exists or `retrain`, in
// small transactions (serve may run meanwhile); drops versions no row uses.
// Prints "dictionary N trained" when it trained one and a line with the rows
// re-encoded and their bytes before and after. 1 when the database cannot be
// written or a row does not decode; 2 when the file does not exist.
int compact(const config::config& cfg, bool retrain);

// One Message Sync pass over the mailboxes of cfg.sync.extensions (a full sync
// when `full`), printing "extension ID: N records (N new, N updated) in S s" per
// mailbox; 1 when a mailbox or the token failed, or another process holds the
// sync lease (the error names it); 2 when the API is not configured.
int sync(const config::config& cfg, bool full);

// The webhook subscription (docs/deploy.md, section 4a): `action` "status" prints ours as JSON
// (GET /v1/subscription's shape), "ensure" creates, renews or mends it as
// serve's keeper does (serve must run to answer the handshake) and prints it,
// "delete" deletes every subscription at subscription.address. 1 on a
// RingCentral failure (the error line names its code); 2 when the API or
// subscription.address is not configured (or, for ensure, no verification token).
int subscription(const config::config& cfg, std::string_view action);

// What `rcvault erase` was asked for: exactly one of the three, as typed.
struct erase_options {
  std::optional<std::string> phone_number;
  std::optional<std::string> message_id;
  std::optional<std::string> before;  // ISO 8601 date or date-time (UTC without a zone)
  bool dry_run = false;
};

// `rcvault erase` (docs/retention.md): removes everything about a number, a
// message or what was created before a time, leaves tombstones, and prints
// the counts ("erased: N messages, ..."; with dry_run "would erase: ...").
// May run while serve runs. 1 on a runtime failure (database busy beyond the
// timeout, I/O); 2 for a bad request, an absent or unmigrated database.
int erase(const config::config& cfg, const erase_options& o);

}  // namespace rcvault::app
