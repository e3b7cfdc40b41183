// The merged walk of a number's parties and a word's FTS matches
// (reader::impl::merged_walk): both indexes list sort keys in time order, so
// the messages that have both are the keys the two walks share.
#include "reader_impl.hpp"

#include <limits>
#include <optional>

namespace rcvault::store {

namespace {

// One walk over sort keys in a fixed direction, one key per step, that can
// also be restarted at a key (seek). `sql` selects one integer column in
// order, with :lo and :hi (the window [lo, hi)) and any other parameters
// `bind` sets.
class key_walk {
 public:
  key_walk(SQLite::Statement& s, bool desc, std::int64_t lo, std::int64_t hi,
           std::function<void(SQLite::Statement&)> bind)
      : s_(s), desc_(desc), lo_(lo), hi_(hi), bind_(std::move(bind)) {
    start(lo_, hi_);
  }

  // The current key; nullopt once the walk is past its end.
  const std::optional<std::int64_t>& key() const { return key_; }

  // Steps to the next key (skipping repeats of the current one).
  void next() {
    const auto was = key_;
    do step();
    while (key_ && was && *key_ == *was);
  }

  // Moves to the first key at or beyond `target` in walk order: steps a few
  // times (cheap when keys are dense), else restarts the statement there.
  void seek(std::int64_t target) {
    if (step_towards(target)) return;
    if (desc_) start(lo_, target == std::numeric_limits<std::int64_t>::max() ? target : target + 1);
    else start(target, hi_);
  }

  // Steps a few times towards `target`; whether the walk is now at or
  // beyond it (or past its end).
  bool step_towards(std::int64_t target) {
    constexpr int steps = 16;
    for (int i = 0; i < steps && key_ && before(*key_, target); ++i) step();
    return !key_ || !before(*key_, target);
  }

 private:
  // Whether `a` comes before `b` in walk order.
  bool before(std::int64_t a, std::int64_t b) const { return desc_ ? a > b : a < b; }

  void start(std::int64_t lo, std::int64_t hi) {
    s_.reset();
    bind_(s_);
    s_.bind(":lo", lo);
    s_.bind(":hi", hi);
    step();
  }

  void step() {
    if (s_.executeStep()) key_ = s_.getColumn(0).getInt64();
    else key_.reset();
  }

  SQLite::Statement& s_;
  bool desc_;
  std::int64_t lo_;
  std::int64_t hi_;
  std::function<void(SQLite::Statement&)> bind_;
  std::optional<std::int64_t> key_;
};

}  // namespace

std::vector<detail::stored_message> reader::impl::merged_walk(const message_query& q, const std::string& match,
                                                              const std::string& probe_sql,
                                                              const std::function<void(SQLite::Statement&)>& bind) {
  const bool desc = q.order == sort_order::desc;
  const auto [lo, hi] = window_of(q);
  std::vector<detail::stored_message> rows;
  if (lo >= hi || q.limit == 0) return rows;
  const std::string dir = desc ? " DESC" : " ASC";

  // One walk per digit key; the statement text names its slot, so each walk
  // has a cached statement of its own while all step side by side.
  std::vector<key_walk> phones;
  phones.reserve(q.phone_keys.size());
  for (std::size_t i = 0; i < q.phone_keys.size(); ++i) {
    auto& s = stmt("SELECT sort_key FROM parties WHERE digits = :digits AND sort_key >= :lo AND sort_key < :hi "
                   "ORDER BY sort_key" + dir + " /* key " + std::to_string(i) + " */");
    phones.emplace_back(s, desc, lo, hi, [&key = q.phone_keys[i]](SQLite::Statement& st) { st.bind(":digits", key); });
  }
  auto& ts = stmt("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :match AND rowid >= :lo AND rowid < :hi "
                  "ORDER BY rowid" + dir);
  key_walk text(ts, desc, lo, hi, [&match](SQLite::Statement& st) { st.bind(":match", match); });

  auto before = [desc](std::int64_t a, std::int64_t b) { return desc ? a > b : a < b; };
  // The number's next key: the first among its walks.
  auto phone_key = [&]() -> std::optional<std::int64_t> {
    std::optional<std::int64_t> k;
    for (const auto& w : phones)
      if (w.key() && (!k || before(*w.key(), *k))) k = w.key();
    return k;
  };
  // Whether the words match the message of sort key :key: one FTS probe.
  auto& has_words = stmt("SELECT 1 FROM messages_fts WHERE messages_fts MATCH :match AND rowid = :key");
  auto words_at = [&](std::int64_t key) {
    has_words.reset();
    has_words.bind(":match", match);
    has_words.bind(":key", key);
    const bool found = has_words.executeStep();
    has_words.reset();
    return found;
  };
  auto& probe = stmt(probe_sql);
  // The message of `key`, which has the number and the words, if the other
  // filters take it; false once the page is full.
  auto take = [&](std::int64_t key) {
    probe.reset();
    bind(probe);
    probe.bind(":key", key);
    if (probe.executeStep()) rows.push_back(detail::read_message_row(probe));
    probe.reset();
    return rows.size() < q.limit;
  };
  auto next_phones = [&](std::int64_t key) {
    for (auto& w : phones)
      if (w.key() && *w.key() == key) w.next();
  };
  for (;;) {
    const auto p = phone_key();
    if (!p || !text.key()) break;
    const std::int64_t t = *text.key();
    if (t == *p) {
      if (!take(t)) break;
      next_phones(t);
      text.next();
    } else if (before(t, *p)) {
      // The words' walk is behind. Where the number's keys are far apart in
      // it (a number of a few hundred messages in a large archive), probing
      // the FTS index for the one key costs a tenth of restarting the walk
      // there, so the walk stays behind and the next key tries again.
      if (text.step_towards(*p)) continue;
      if (words_at(*p) && !take(*p)) break;
      next_phones(*p);
    } else {
      for (auto& w : phones)
        if (w.key() && before(*w.key(), t)) w.seek(t);
    }
  }
  return rows;
}

}  // namespace rcvault::store
