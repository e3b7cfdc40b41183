#include "reader_impl.hpp"

#include "counter_names.hpp"
#include "message_rows.hpp"

#include <SQLiteCpp/Exception.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <string_view>

namespace rcvault::store {

namespace {

// Sort keys encode creationTime (ms * 1024 + a tie breaker below 1024; see the
// schema), so a time bound is also a sort-key bound that every index can seek to.
constexpr std::int64_t key_scale = detail::keys_per_ms;

// Each user word becomes a quoted FTS5 string, so only a trailing `*` (prefix)
// is special and no input can reach FTS5's query syntax (AND, NEAR, column:, ...).
// Control characters (NUL among them, which FTS5's parser would take as the
// end of the string) separate words like spaces do.
bool separates_words(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

core::result<std::string> fts_expression(std::string_view text) {
  std::string expr;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && separates_words(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !separates_words(text[i])) ++i;
    if (start == i) break;
    std::string_view word = text.substr(start, i - start);
    bool prefix = false;
    if (word.back() == '*') {
      prefix = true;
      word.remove_suffix(1);
    }
    if (word.empty() || word.find('*') != std::string_view::npos)
      return core::make_error(core::errc::bad_parameter,
                              "parameter 'q': '*' may only end a word (word* matches a prefix)");
    if (!expr.empty()) expr += ' ';
    expr += '"';
    for (char c : word) {
      if (c == '"') expr += '"';
      expr += c;
    }
    expr += '"';
    if (prefix) expr += '*';
  }
  if (expr.empty()) return core::make_error(core::errc::bad_parameter, "parameter 'q': no words to search for");
  return expr;
}

// The partial indexes of migration 0007 (migrations/0007_query_speed.sql):
// one per enum column whose values are skewed, holding only the rows whose
// value is not one of `common`. `guard` repeats the index's WHERE clause word
// for word: SQLite uses a partial index only for a query whose WHERE implies
// the index's, and `column = ?` alone does not imply it.
struct rare_index {
  const char* name;
  std::optional<std::string> message_query::*field;
  std::array<std::string_view, 3> common;          // unused slots empty
  const char* guard;
};

// In the order they are preferred as driver when several apply: statuses
// other than these are the rarest (a failed delivery), then deleted
// messages, then types other than SMS.
const rare_index rare_indexes[] = {
    {"messages_status_rare", &message_query::message_status, {"Received", "Delivered", "Sent"},
     "m.message_status NOT IN ('Received', 'Delivered', 'Sent')"},
    {"messages_availability_rare", &message_query::availability, {"Alive", "", ""}, "m.availability NOT IN ('Alive')"},
    {"messages_type_rare", &message_query::type, {"SMS", "", ""}, "m.type NOT IN ('SMS')"},
};

// The partial index that holds every row `q` can match (the first by
// preference), or nullptr when each enum filter of q is absent or a common value.
const rare_index* rare_driver(const message_query& q) {
  for (const auto& ix : rare_indexes) {
    const auto& v = q.*ix.field;
    if (v && std::find(ix.common.begin(), ix.common.end(), std::string_view(*v)) == ix.common.end()) return &ix;
  }
  return nullptr;
}

}  // namespace

reader::impl::key_window reader::impl::window_of(const message_query& q) {
  constexpr std::int64_t max_key = std::numeric_limits<std::int64_t>::max();
  key_window w{std::numeric_limits<std::int64_t>::min(), max_key};
  if (q.date_from) w.lo = *q.date_from * key_scale;
  if (q.date_to) w.hi = *q.date_to * key_scale;
  if (q.after_key) {
    if (q.order == sort_order::desc) w.hi = std::min(w.hi, *q.after_key);
    else w.lo = std::max(w.lo, *q.after_key == max_key ? max_key : *q.after_key + 1);
  }
  return w;
}

// Checking a row against its parties is a probe of a few primary-key
// entries; checking it against the FTS index opens the MATCH again, some ten
// times dearer. So the FTS index drives when, within the sort-key window the walk covers, the
// words match fewer than `ratio` times as many rows as the number has:
// counted by walking both indexes a bounded way (a millisecond at most),
// which turns a rare word with a busy number from a walk of every one of
// the number's messages into a few hundred probes. Otherwise a number with
// few rows in the window (under `merge_min`) drives and probes the FTS index
// for each (a few ms at most); a busier one is merged with the FTS matches
// (merged_walk), which steps both indexes instead of probing per row.
reader::impl::number_text_plan reader::impl::plan_number_text(const message_query& q, const std::string& match) {
  constexpr std::int64_t phone_cap = 1024;
  constexpr std::int64_t ratio = 8;
  constexpr std::int64_t merge_min = 64;
  // The sort-key window [lo, hi) the walk covers: the dates and the cursor.
  const auto [lo, hi] = window_of(q);
  auto& ps = stmt(
      "SELECT count(*) FROM (SELECT 1 FROM parties WHERE digits IN (:k0, :k1, :k2) "
      "AND sort_key >= :lo AND sort_key < :hi LIMIT :cap)");
  for (int i = 0; i < 3; ++i)
    ps.bind((":k" + std::to_string(i)).c_str(),
            q.phone_keys[std::min<std::size_t>(static_cast<std::size_t>(i), q.phone_keys.size() - 1)]);
  ps.bind(":lo", lo);
  ps.bind(":hi", hi);
  ps.bind(":cap", phone_cap);
  ps.executeStep();
  const std::int64_t phone_rows = ps.getColumn(0).getInt64();
  ps.reset();
  if (phone_rows == 0) return number_text_plan::phone;
  auto& ts = stmt(
      "SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH :match "
      "AND rowid >= :lo AND rowid < :hi LIMIT :cap)");
  ts.bind(":match", match);
  ts.bind(":lo", lo);
  ts.bind(":hi", hi);
  ts.bind(":cap", phone_rows * ratio);
  ts.executeStep();
  const std::int64_t text_rows = ts.getColumn(0).getInt64();
  ts.reset();
  if (text_rows < phone_rows * ratio) return number_text_plan::text;
  return phone_rows < merge_min ? number_text_plan::phone : number_text_plan::merge;
}

core::result<std::vector<stored_message>> reader::messages(const message_query& q) {
  std::optional<std::string> match;
  if (q.text) {
    auto expr = fts_expression(*q.text);
    if (!expr) return expr.error();
    match = std::move(*expr);
  }
  const bool desc = q.order == sort_order::desc;

  try {
    impl::snapshot snap(*impl_);

    // A type or direction that no stored message has matches nothing: the
    // counters say so at once, where the filter alone would scan every row.
    if ((q.type && impl_->counter(detail::type_counter(*q.type)) <= 0) ||
        (q.direction && impl_->counter(detail::direction_counter(*q.direction)) <= 0))
      return std::vector<stored_message>{};

    // One driver walks an index in sort-key order and stops at LIMIT: the
    // conversation index, one number's parties_digits range, the FTS index in
    // rowid (= sort key) order, the partial index of a rare enum value, the
    // owner index, or messages_sort_key. Other filters are checked per row
    // (inside the rare index's entries for the enum columns it holds).
    // A busy number and words not rare against it: the merge of both walks
    // (merged_walk). CROSS JOIN and INDEXED BY pin the driver as the outer loop.
    enum class driver { conversation, phone, text, merge, rare, owner, table };
    const rare_index* rare = rare_driver(q);
    driver d = q.conversation_id ? driver::conversation
               : !q.phone_keys.empty() ? driver::phone
               : match ? driver::text
               : rare ? driver::rare
               : q.owner_id ? driver::owner
               : driver::table;
    if (d == driver::phone && match) {
      const auto plan = impl_->plan_number_text(q, *match);
      if (plan == impl::number_text_plan::text) d = driver::text;
      else if (plan == impl::number_text_plan::merge) d = driver::merge;
    }

    std::string key_col = "m.sort_key";
    std::string from = "messages m";
    if (d == driver::rare) {
      from = std::string("messages m INDEXED BY ") + rare->name;
    } else if (d == driver::phone) {
      key_col = "p.sort_key";
      from = "parties p CROSS JOIN messages m ON m.id = p.message_id";
    } else if (d == driver::text) {
      // FTS5's MATCH names the table itself, so the driver keeps its name.
      key_col = "messages_fts.rowid";
      from = "messages_fts CROSS JOIN messages m ON m.sort_key = messages_fts.rowid";
    }

    std::string where;
    auto add = [&](const std::string& cond) { where += where.empty() ? " WHERE " : " AND "; where += cond; };
    if (d == driver::phone) {
      add("p.digits = :digits");
      add("NOT EXISTS (SELECT 1 FROM parties p2 WHERE p2.message_id = p.message_id AND p2.position < p.position "
          "AND p2.digits = p.digits)");
    } else if (d == driver::merge) {
      // merged_walk has checked the number and the words: one message by key.
      add("m.sort_key = :key");
    } else if (!q.phone_keys.empty()) {
      add("EXISTS (SELECT 1 FROM parties p2 WHERE p2.message_id = m.id AND p2.digits IN (:k0, :k1, :k2))");
    }
    if (match && d != driver::merge) {
      if (d == driver::text) add("messages_fts MATCH :match");
      else add("EXISTS (SELECT 1 FROM messages_fts WHERE messages_fts MATCH :match AND messages_fts.rowid = m.sort_key)");
    }
    if (q.conversation_id) add("m.conversation_id = :conversation");
    if (d == driver::rare) add(rare->guard);
    if (q.owner_id) add(d == driver::owner || d == driver::table ? "m.owner_id = :owner" : "+m.owner_id = :owner");
    if (q.direction) add("m.direction = :direction");
    if (q.type) add("m.type = :type");
    if (q.read_status) add("m.read_status = :read_status");
    if (q.message_status) add("m.message_status = :message_status");
    if (q.availability) add("m.availability = :availability");
    // The merge walks the key window itself.
    const bool keyed = d != driver::merge;
    if (q.date_from) {
      if (keyed) add(key_col + " >= :key_from");
      add("m.creation_time >= :date_from");
    }
    if (q.date_to) {
      if (keyed) add(key_col + " < :key_to");
      add("m.creation_time < :date_to");
    }
    if (q.after_key && keyed) add(key_col + (desc ? " < :after" : " > :after"));

    const std::string sql = "SELECT " + detail::message_row_columns() + " FROM " + from + where +
                            (keyed ? " ORDER BY " + key_col + (desc ? " DESC" : " ASC") + " LIMIT :limit" : "");

    auto bind_common = [&](SQLite::Statement& s) {
      auto bind_opt = [&](const char* name, const std::optional<std::string>& v) {
        if (v) s.bind(name, *v);
      };
      if (match && keyed) s.bind(":match", *match);
      bind_opt(":conversation", q.conversation_id);
      bind_opt(":owner", q.owner_id);
      bind_opt(":direction", q.direction);
      bind_opt(":type", q.type);
      bind_opt(":read_status", q.read_status);
      bind_opt(":message_status", q.message_status);
      bind_opt(":availability", q.availability);
      if (q.date_from) {
        if (keyed) s.bind(":key_from", *q.date_from * key_scale);
        s.bind(":date_from", *q.date_from);
      }
      if (q.date_to) {
        if (keyed) s.bind(":key_to", *q.date_to * key_scale);
        s.bind(":date_to", *q.date_to);
      }
      if (!keyed) return;
      if (q.after_key) s.bind(":after", *q.after_key);
      s.bind(":limit", static_cast<std::int64_t>(q.limit));
      if (d != driver::phone && !q.phone_keys.empty()) {
        // Unused key slots repeat the first key.
        for (int i = 0; i < 3; ++i) {
          const auto& k = q.phone_keys[std::min<std::size_t>(static_cast<std::size_t>(i), q.phone_keys.size() - 1)];
          s.bind((":k" + std::to_string(i)).c_str(), k);
        }
      }
    };

    std::vector<detail::stored_message> rows;
    if (d == driver::phone) {
      // One walk per digit key (a 10-digit number is also looked up with a
      // leading 1); each is already ordered and limited, so the merged first
      // `limit` distinct rows are exactly the answer.
      for (const auto& key : q.phone_keys) {
        auto part = impl_->query_rows(sql, [&](SQLite::Statement& s) {
          bind_common(s);
          s.bind(":digits", key);
        });
        rows.insert(rows.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
      }
      std::sort(rows.begin(), rows.end(), [&](const detail::stored_message& a, const detail::stored_message& b) {
        return desc ? a.sort_key > b.sort_key : a.sort_key < b.sort_key;
      });
      rows.erase(std::unique(rows.begin(), rows.end(),
                             [](const detail::stored_message& a, const detail::stored_message& b) { return a.row_id == b.row_id; }),
                 rows.end());
      if (rows.size() > q.limit) rows.resize(q.limit);
    } else if (d == driver::merge) {
      rows = impl_->merged_walk(q, *match, sql, bind_common);
    } else {
      rows = impl_->query_rows(sql, bind_common);
    }
    std::vector<stored_message> out;
    out.reserve(rows.size());
    for (auto& r : rows) {
      impl_->load_children(r);
      out.push_back(to_public(std::move(r)));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    // The quoting above leaves FTS5 little to reject (a NUL byte: "unterminated
    // string"), but what it rejects is the user's q: FTS5 reports it as a plain
    // SQLITE_ERROR, where I/O, corruption and locking failures have codes of their own.
    if (match && (e.getErrorCode() & 0xff) == 1 /* SQLITE_ERROR */) throw query_syntax_error(e.what());
    throw;
  }
}

}  // namespace rcvault::store
