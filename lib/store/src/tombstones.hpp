#pragma once
// Tombstones of erasures (migrations/0008_erasure.sql, docs/retention.md):
// the keyed hash of an erased number's digits, and the writer's check of
// every incoming item against the tombstones.

#include "rcvault/core/message.hpp"
#include "rcvault/core/notification.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace rcvault::store::detail {

// HMAC-SHA256 of `digits` under `key`: the 32 bytes erased_numbers keeps.
std::string number_hash(std::string_view key, std::string_view digits);

// The digit runs of `text` that could be a phone number (7 to 15 digits):
// each as it stands, and groups joined by at most two of " ()-." as one
// ("(650) 555-0100" gives 6505550100); for an 11-digit run starting with 1
// also its last 10.
std::vector<std::string> digit_runs(std::string_view text);

// The writer's view of the tombstones, on its connection. refresh() once per
// transaction, after BEGIN: it re-reads the tombstones only when another
// connection committed since (PRAGMA data_version), so with no erasure ever
// made the check costs one pragma per batch. Throws SQLite::Exception.
class tombstone_check {
 public:
  explicit tombstone_check(SQLite::Database& db);

  // Notices tombstones another process (`rcvault erase`) committed.
  void refresh();

  // Whether `n` names an erased message id, a party whose number is erased,
  // or a message created before an erased time range. An item without a
  // message (unnormalised) is checked by the digit runs of its raw bytes.
  bool refuses(const core::notification& n);

  // Whether a dead letter's first bytes name an erased number.
  bool refuses_head(std::string_view head);

 private:
  bool number_erased(std::string_view digits) const;
  bool raw_names_erased_number(std::string_view raw) const;

  SQLite::Database& db_;
  SQLite::Statement data_version_;
  SQLite::Statement message_erased_;
  std::optional<std::int64_t> seen_version_;
  bool any_messages_ = false;
  std::optional<std::int64_t> erased_before_;  // creationTime bound of an erase --before
  std::string key_;
  std::unordered_set<std::string> numbers_;  // hashes of erased_numbers
};

}  // namespace rcvault::store::detail
