#pragma once
// A deterministic, realistic archive for query tests and the benchmark: SMS
// (mostly), voicemail, fax and pager messages between a company's numbers and
// its customers, with one busy company number, conversations, read states,
// deleted messages and subjects drawn from a word list (with rare and
// non-ASCII words). Message i is the same for a given seed however many are made.

#include "rcvault/core/notification.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rcvault::test {

struct dataset_options {
  std::uint64_t seed = 42;
  core::millis start = 1'704'067'200'000;      // 2024-01-01T00:00:00Z: creationTime of message 0
  core::millis step = 60'000;                  // creationTime of message i = start + i * step
  std::size_t busy_every = 33;                 // the busy number takes part in one message of this many
  std::size_t customers = 20'000;              // distinct customer numbers
  std::size_t company_numbers = 50;            // other company numbers besides the busy one
  std::string id_prefix = "9";                 // message ids are prefix + index (digits only)
};

// The busy company number, as stored ("+16505550100").
inline constexpr const char* busy_number = "+16505550100";
// A word in every 7th subject, and one in exactly every 5000th (starting at 1234).
inline constexpr const char* common_word = "invoice";
inline constexpr const char* rare_word = "zeppelin";
// A non-ASCII word in every 97th subject.
inline constexpr const char* unicode_word = "Grüße";

// Returns whether any party of `m` has exactly these digits (core::phone_digits).
bool has_digits(const core::message& m, const std::string& digits);

// Returns the customer number (E.164) with index `k`.
std::string customer_number(std::size_t k);

// Returns message `index` as an instant-message (or voicemail/fax) notification
// with msg filled and in raw the JSON envelope RingCentral would send for it:
// ingest::renormalise(kind, raw) gives back msg, field for field.
core::notification make_notification(const dataset_options& opts, std::size_t index);

// Returns messages [first, first + count).
std::vector<core::notification> make_dataset(const dataset_options& opts, std::size_t count, std::size_t first = 0);

}  // namespace rcvault::test
