#include "tombstones.hpp"

#include "statement_guard.hpp"
#include "rcvault/core/phone.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace rcvault::store::detail {
namespace {

constexpr std::size_t shortest_number = 7;
constexpr std::size_t longest_number = 15;  // E.164

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_separator(char c) { return c == ' ' || c == '(' || c == ')' || c == '-' || c == '.'; }

}  // namespace

std::string number_hash(std::string_view key, std::string_view digits) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(digits.data()),
       digits.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::vector<std::string> digit_runs(std::string_view text) {
  std::vector<std::string> out;
  auto emit = [&out](std::string run) {
    if (run.size() < shortest_number || run.size() > longest_number) return;
    if (run.size() == 11 && run.front() == '1') out.push_back(run.substr(1));
    out.push_back(std::move(run));
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    // Groups of digits joined by at most two separators, as people write a
    // number ("(650) 555-0100", "+1 650 555 0100"): each group as it stands,
    // and the groups joined.
    std::string joined;
    bool separated = false;
    std::size_t j = i;
    for (;;) {
      const std::size_t from = j;
      while (j < text.size() && is_digit(text[j])) ++j;
      emit(std::string(text.substr(from, j - from)));
      joined.append(text.substr(from, j - from));
      std::size_t k = j;
      while (k < text.size() && k - j < 2 && is_separator(text[k])) ++k;
      if (k == j || k >= text.size() || !is_digit(text[k])) break;
      separated = true;
      j = k;
    }
    if (separated) emit(std::move(joined));
    i = j;
  }
  return out;
}

tombstone_check::tombstone_check(SQLite::Database& db)
    : db_(db),
      data_version_(db, "PRAGMA data_version"),
      message_erased_(db, "SELECT 1 FROM erased_messages WHERE rc_id=?1") {}

void tombstone_check::refresh() {
  std::int64_t version = 0;
  {
    reset_guard g{data_version_};
    data_version_.executeStep();
    version = data_version_.getColumn(0).getInt64();
  }
  if (seen_version_ == version) return;
  seen_version_ = version;
  any_messages_ = db_.execAndGet("SELECT EXISTS(SELECT 1 FROM erased_messages)").getInt() != 0;
  {
    SQLite::Statement q(db_, "SELECT max(created_before) FROM erased_ranges");
    erased_before_.reset();
    if (q.executeStep() && !q.getColumn(0).isNull()) erased_before_ = q.getColumn(0).getInt64();
  }
  numbers_.clear();
  key_.clear();
  SQLite::Statement n(db_, "SELECT digits_hmac FROM erased_numbers");
  while (n.executeStep()) numbers_.insert(n.getColumn(0).getString());
  if (!numbers_.empty()) {
    SQLite::Statement k(db_, "SELECT key FROM erasure_key WHERE id=1");
    if (k.executeStep()) key_ = k.getColumn(0).getString();
  }
}

bool tombstone_check::number_erased(std::string_view digits) const {
  return !digits.empty() && numbers_.contains(number_hash(key_, digits));
}

bool tombstone_check::raw_names_erased_number(std::string_view raw) const {
  for (const auto& run : digit_runs(raw))
    if (number_erased(run)) return true;
  return false;
}

bool tombstone_check::refuses(const core::notification& n) {
  if (!n.msg) return !numbers_.empty() && raw_names_erased_number(n.raw);
  const auto& m = *n.msg;
  if (erased_before_ && m.creation_time && *m.creation_time < *erased_before_) return true;
  if (any_messages_) {
    reset_guard g{message_erased_};
    message_erased_.bind(1, m.id);
    if (message_erased_.executeStep()) return true;
  }
  if (numbers_.empty()) return false;
  if (m.from && m.from->phone_number && number_erased(core::phone_digits(*m.from->phone_number))) return true;
  if (m.to)
    for (const auto& p : *m.to)
      if (p.phone_number && number_erased(core::phone_digits(*p.phone_number))) return true;
  // The number may stand elsewhere in the payload (a forwarded-from field, the text).
  return raw_names_erased_number(n.raw);
}

bool tombstone_check::refuses_head(std::string_view head) {
  return !numbers_.empty() && raw_names_erased_number(head);
}

}  // namespace rcvault::store::detail
