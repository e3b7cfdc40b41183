#pragma once
// The read side of the store: queries over messages, events, conversations,
// counters and dead letters on a read-only connection of its own (a WAL
// snapshot per call, so readers never block the writer). Returns core types only.

#include "rcvault/core/error.hpp"
#include "rcvault/core/event_kind.hpp"
#include "rcvault/core/message.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/store/options.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rcvault::store {

// Walk direction over message sort keys (= creation time order).
enum class sort_order { desc, asc };

// The filters of GET /v1/messages; every set field must match.
struct message_query {
  std::vector<std::string> phone_keys;           // digit keys (core::phone_query_keys); any party matches any key
  std::optional<std::string> direction;
  std::optional<std::string> type;
  std::optional<std::string> read_status;
  std::optional<std::string> message_status;
  std::optional<std::string> availability;
  std::optional<std::string> conversation_id;
  std::optional<std::string> owner_id;
  std::optional<core::millis> date_from;         // creationTime >= date_from
  std::optional<core::millis> date_to;           // creationTime <  date_to
  std::optional<std::string> text;               // user words; every word must occur ("word*" = prefix)
  sort_order order = sort_order::desc;
  std::optional<std::int64_t> after_key;         // keyset cursor: messages strictly after this sort key in `order`
  std::size_t limit = 100;
};

// A message with the sort key that orders it (creation time; the keyset cursor value).
struct stored_message {
  std::int64_t sort_key = 0;
  core::message msg;
};

// One stored notification (or imported record).
struct stored_event {
  std::string uuid;
  core::event_kind kind = core::event_kind::other;
  std::string event;
  std::optional<std::string> subscription_id;
  std::optional<std::string> owner_id;
  std::optional<core::millis> sent_at;
  core::millis received_at = 0;
  core::outcome outcome = core::outcome::applied;
  std::optional<std::string> reason;
  std::optional<std::string> message_id;         // RingCentral id of the message it touched
  std::string raw;                               // the envelope exactly as received
};

// One conversation, summarised by its latest message.
struct conversation_summary {
  std::string conversation_id;
  std::int64_t message_count = 0;
  std::vector<std::string> participants;         // numbers, else extension numbers, else names
  stored_message last_message;
};

// One dead letter.
struct rejected_row {
  std::int64_t row_id = 0;
  core::millis received_at = 0;
  std::string code;
  std::string message;
  std::int64_t size = 0;
  std::string head;
};

// What /v1/stats reports; counters come from the counters table.
struct store_stats {
  std::map<std::string, std::int64_t> counters;  // every row of the counters table
  std::int64_t rejected = 0;                     // dead letters kept now
  std::optional<core::millis> oldest_message;    // creationTime of the oldest / newest message
  std::optional<core::millis> newest_message;
};

// Thrown by reader::messages when FTS5 cannot parse the search built from
// message_query::text: the user's input, which the query API answers with 400.
class query_syntax_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class reader {
 public:
  // Opens a read-only connection on an existing database. Throws
  // std::runtime_error naming the file when it cannot be opened.
  explicit reader(const options& opts);
  ~reader();
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;

  // Up to q.limit messages matching q in q.order, starting after q.after_key.
  // errc::bad_parameter naming `q` when the text has no words; throws
  // query_syntax_error when FTS5 cannot parse it. Throws on SQLite failures.
  core::result<std::vector<stored_message>> messages(const message_query& q);

  // The message with RingCentral id `id`, or nullopt. Throws on SQLite failures.
  std::optional<stored_message> message(std::string_view id);

  // The events that touched message `id`, oldest first; nullopt when no such message.
  std::optional<std::vector<stored_event>> message_events(std::string_view id);

  // The event with this uuid, or nullopt.
  std::optional<stored_event> event(std::string_view uuid);

  // Up to `limit` conversations, most recent last message first, whose last
  // message's sort key is below `before_key` when given.
  std::vector<conversation_summary> conversations(std::optional<std::int64_t> before_key, std::size_t limit);

  // Up to `limit` dead letters, newest first, with row ids below `before_row` when given.
  std::vector<rejected_row> rejected(std::optional<std::int64_t> before_row, std::size_t limit);

  // The archive state of attachment `attachment_id` of message `message_id`
  // (RingCentral ids), or nullopt when there is no such row. Throws on SQLite failures.
  std::optional<archived_attachment> archived(std::string_view message_id, std::string_view attachment_id);

  // Up to `limit` distinct stored contents (sha256, bytes), by sha256, after
  // `after_sha256` when given: what `rcvault check --attachments` verifies.
  std::vector<std::pair<std::string, std::int64_t>> stored_contents(std::optional<std::string> after_sha256,
                                                                    std::size_t limit);

  // Counters and bounds for /v1/stats, read without counting messages.
  store_stats stats();

  // True when the database file can be opened for writing and every
  // embedded migration is applied. Never throws.
  bool ready();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rcvault::store
