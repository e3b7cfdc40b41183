#include "rcvault/store/reader.hpp"

#include "rcvault/store/database.hpp"

#include "connection.hpp"
#include "counter_names.hpp"
#include "message_rows.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json/parse.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace rcvault::store {

namespace {

// Sort keys encode creationTime (ms * 1024 + a tie breaker below 1024; see the
// schema), so a time bound is also a sort-key bound that every index can seek to.
constexpr std::int64_t key_scale = detail::keys_per_ms;

constexpr const char* message_columns =
    "m.id, m.rc_id, m.owner_id, m.type, m.direction, m.subject, m.read_status, m.message_status, "
    "m.priority, m.availability, m.conversation_id, m.creation_time, m.last_modified_time, "
    "m.sms_delivery_time, m.sms_sending_attempts_count, m.delivery_error_code, m.segment_count, "
    "m.fax_page_count, m.fax_resolution, m.vm_transcription_status, m.pg_to_department, m.uri, "
    "m.has_from, m.has_to, m.has_attachments, m.extra, m.sort_key";

using detail::column_bool;
using detail::column_int;
using detail::column_text;

// Extra fields were written by the writer as a JSON object; anything else is
// treated as absent rather than failing a whole listing.
boost::json::object parse_extra(const SQLite::Column& c) {
  if (c.isNull()) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(c.getString(), ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

struct message_row {
  std::int64_t row = 0;  // messages.id, which its parties and attachments carry
  stored_message sm;
  bool has_from = false;
  bool has_to = false;
  bool has_attachments = false;
};

message_row read_message_row(SQLite::Statement& s) {
  message_row r;
  auto& m = r.sm.msg;
  r.row = s.getColumn(0).getInt64();
  m.id = s.getColumn(1).getString();
  m.owner_id = column_text(s.getColumn(2));
  m.type = column_text(s.getColumn(3));
  m.direction = column_text(s.getColumn(4));
  m.subject = column_text(s.getColumn(5));
  m.read_status = column_text(s.getColumn(6));
  m.message_status = column_text(s.getColumn(7));
  m.priority = column_text(s.getColumn(8));
  m.availability = column_text(s.getColumn(9));
  m.conversation_id = column_text(s.getColumn(10));
  m.creation_time = column_int(s.getColumn(11));
  m.last_modified_time = column_int(s.getColumn(12));
  m.sms_delivery_time = column_int(s.getColumn(13));
  m.sms_sending_attempts_count = column_int(s.getColumn(14));
  m.delivery_error_code = column_text(s.getColumn(15));
  m.segment_count = column_int(s.getColumn(16));
  m.fax_page_count = column_int(s.getColumn(17));
  m.fax_resolution = column_text(s.getColumn(18));
  m.vm_transcription_status = column_text(s.getColumn(19));
  m.pg_to_department = column_bool(s.getColumn(20));
  m.uri = column_text(s.getColumn(21));
  r.has_from = s.getColumn(22).getInt64() != 0;
  r.has_to = s.getColumn(23).getInt64() != 0;
  r.has_attachments = s.getColumn(24).getInt64() != 0;
  m.extra = parse_extra(s.getColumn(25));
  r.sm.sort_key = s.getColumn(26).getInt64();
  return r;
}

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

}  // namespace

struct reader::impl {
  options opts;
  SQLite::Database db;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache;

  explicit impl(const options& o) : opts(o), db(open(o)) {
    // One page of results scattered over the archive (a rare word or number)
    // touches about 500 pages of messages, parties, attachments and FTS
    // doclists: all of SQLite's default 2 MiB cache, so each request read them
    // from the kernel again. 8 MiB per reader keeps them and the upper index
    // levels (a rare word's page takes less than half the CPU time); the
    // readers add at most ~12 MiB to the resident size.
    db.exec("PRAGMA cache_size=-8192");
  }

  static SQLite::Database open(const options& o) {
    try {
      return detail::open_connection(o, detail::role::reader);
    } catch (const std::exception& e) {
      throw std::runtime_error("database " + o.path.string() + ": " + e.what());
    }
  }

  // Statements are prepared once per distinct SQL text and reused.
  SQLite::Statement& stmt(const std::string& sql) {
    auto it = cache.find(sql);
    if (it == cache.end()) it = cache.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
    auto& s = *it->second;
    s.tryReset();
    s.clearBindings();
    return s;
  }

  // One read transaction per public call, so a page and its parties come from
  // one consistent WAL snapshot; statements are reset before it ends.
  class snapshot {
   public:
    explicit snapshot(impl& i) : impl_(i), txn_(i.db) {}
    ~snapshot() { impl_.release(); }
    snapshot(const snapshot&) = delete;
    snapshot& operator=(const snapshot&) = delete;

   private:
    impl& impl_;
    SQLite::Transaction txn_;
  };

  // Resets every cached statement so none keeps the read snapshot (and with
  // it the WAL) pinned after a call returns.
  void release() noexcept {
    for (auto& [sql, s] : cache) s->tryReset();
  }

  // The parties of one message with their positions (0 = from), in order.
  std::vector<std::pair<int, core::party>> parties(std::int64_t message_row) {
    auto& s = stmt(
        "SELECT position, phone_number, extension_number, extension_id, name, location, target, "
        "message_status, fax_error_code, recipient_id, extra FROM parties WHERE message_id = ? ORDER BY position");
    s.bind(1, message_row);
    std::vector<std::pair<int, core::party>> out;
    while (s.executeStep()) {
      core::party p;
      p.phone_number = column_text(s.getColumn(1));
      p.extension_number = column_text(s.getColumn(2));
      p.extension_id = column_text(s.getColumn(3));
      p.name = column_text(s.getColumn(4));
      p.location = column_text(s.getColumn(5));
      p.target = column_bool(s.getColumn(6));
      p.message_status = column_text(s.getColumn(7));
      p.fax_error_code = column_text(s.getColumn(8));
      p.recipient_id = column_text(s.getColumn(9));
      p.extra = parse_extra(s.getColumn(10));
      out.emplace_back(s.getColumn(0).getInt(), std::move(p));
    }
    return out;
  }

  void load_children(message_row& r) {
    auto& m = r.sm.msg;
    if (r.has_to) m.to.emplace();
    for (auto& [position, p] : parties(r.row)) {
      if (position == 0) {
        if (r.has_from) m.from = std::move(p);
      } else if (r.has_to) {
        m.to->push_back(std::move(p));
      }
    }
    if (!r.has_attachments) return;
    m.attachments.emplace();
    auto& s = stmt(
        "SELECT id, uri, type, content_type, size, vm_duration, file_name, height, width, extra "
        "FROM attachments WHERE message_id = ? ORDER BY position");
    s.bind(1, r.row);
    while (s.executeStep()) {
      core::attachment a;
      a.id = s.getColumn(0).getString();
      a.uri = column_text(s.getColumn(1));
      a.type = column_text(s.getColumn(2));
      a.content_type = column_text(s.getColumn(3));
      a.size = column_int(s.getColumn(4));
      a.vm_duration = column_int(s.getColumn(5));
      a.file_name = column_text(s.getColumn(6));
      a.height = column_int(s.getColumn(7));
      a.width = column_int(s.getColumn(8));
      a.extra = parse_extra(s.getColumn(9));
      m.attachments->push_back(std::move(a));
    }
  }

  // The value of counter `name`, 0 when it has no row.
  std::int64_t counter(const std::string& name) {
    auto& s = stmt("SELECT value FROM counters WHERE name = ?");
    s.bind(1, name);
    const std::int64_t value = s.executeStep() ? s.getColumn(0).getInt64() : 0;
    s.reset();
    return value;
  }

  // With both a number and words, which index drives messages()? Checking a
  // row against its parties is a probe of a few primary-key entries; checking
  // it against the FTS index opens the MATCH again, some ten times dearer. So
  // the FTS index drives when, within the sort-key window the walk covers, the
  // words match fewer than `ratio` times as many rows as the number has:
  // counted by walking both indexes a bounded way (a millisecond at most),
  // which turns a rare word with a busy number from a walk of every one of
  // the number's messages into a few hundred probes.
  bool text_drives(const message_query& q, const std::string& match) {
    constexpr std::int64_t phone_cap = 1024;
    constexpr std::int64_t ratio = 8;
    // The sort-key window [lo, hi) the walk covers: the dates and the cursor.
    constexpr std::int64_t max_key = std::numeric_limits<std::int64_t>::max();
    std::int64_t lo = std::numeric_limits<std::int64_t>::min();
    std::int64_t hi = max_key;
    if (q.date_from) lo = *q.date_from * key_scale;
    if (q.date_to) hi = *q.date_to * key_scale;
    if (q.after_key) {
      if (q.order == sort_order::desc) hi = std::min(hi, *q.after_key);
      else lo = std::max(lo, *q.after_key == max_key ? max_key : *q.after_key + 1);
    }
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
    if (phone_rows == 0) return false;
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
    return text_rows < phone_rows * ratio;
  }

  // Runs one driver query of messages() (see there) and returns its rows without children.
  template <class Bind>
  std::vector<message_row> query_rows(const std::string& sql, Bind&& bind) {
    auto& s = stmt(sql);
    bind(s);
    std::vector<message_row> rows;
    while (s.executeStep()) rows.push_back(read_message_row(s));
    return rows;
  }

  std::vector<stored_event> events_where(const std::string& where, std::string_view key) {
    auto& s = stmt(
        "SELECT e.uuid, e.kind, e.event, e.subscription_id, e.owner_id, e.sent_at, e.received_at, e.outcome, "
        "e.reason, m.rc_id, e.raw FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE " +
        where + " ORDER BY e.id");
    s.bind(1, std::string(key));
    std::vector<stored_event> out;
    while (s.executeStep()) {
      stored_event e;
      e.uuid = s.getColumn(0).getString();
      e.kind = core::event_kind_from_string(s.getColumn(1).getString()).value_or(core::event_kind::other);
      e.event = s.getColumn(2).getString();
      e.subscription_id = column_text(s.getColumn(3));
      e.owner_id = column_text(s.getColumn(4));
      e.sent_at = column_int(s.getColumn(5));
      e.received_at = s.getColumn(6).getInt64();
      e.outcome = core::outcome_from_string(s.getColumn(7).getString()).value_or(core::outcome::applied);
      e.reason = column_text(s.getColumn(8));
      e.message_id = column_text(s.getColumn(9));
      const auto raw = s.getColumn(10);
      e.raw.assign(static_cast<const char*>(raw.getBlob()), static_cast<std::size_t>(raw.getBytes()));
      out.push_back(std::move(e));
    }
    return out;
  }
};

reader::reader(const options& opts) : impl_(std::make_unique<impl>(opts)) {}
reader::~reader() = default;

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
    // rowid (= sort key) order, the owner index, or messages_sort_key. Other filters are
    // checked per row. CROSS JOIN pins the driver as the outer loop.
    enum class driver { conversation, phone, text, owner, table };
    driver d = q.conversation_id ? driver::conversation
               : !q.phone_keys.empty() ? driver::phone
               : match ? driver::text
               : q.owner_id ? driver::owner
               : driver::table;
    if (d == driver::phone && match && impl_->text_drives(q, *match)) d = driver::text;

    std::string key_col = "m.sort_key";
    std::string from = "messages m";
    if (d == driver::phone) {
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
    } else if (!q.phone_keys.empty()) {
      add("EXISTS (SELECT 1 FROM parties p2 WHERE p2.message_id = m.id AND p2.digits IN (:k0, :k1, :k2))");
    }
    if (match) {
      if (d == driver::text) add("messages_fts MATCH :match");
      else add("EXISTS (SELECT 1 FROM messages_fts WHERE messages_fts MATCH :match AND messages_fts.rowid = m.sort_key)");
    }
    if (q.conversation_id) add("m.conversation_id = :conversation");
    if (q.owner_id) add(d == driver::owner || d == driver::table ? "m.owner_id = :owner" : "+m.owner_id = :owner");
    if (q.direction) add("m.direction = :direction");
    if (q.type) add("m.type = :type");
    if (q.read_status) add("m.read_status = :read_status");
    if (q.message_status) add("m.message_status = :message_status");
    if (q.availability) add("m.availability = :availability");
    if (q.date_from) {
      add(key_col + " >= :key_from");
      add("m.creation_time >= :date_from");
    }
    if (q.date_to) {
      add(key_col + " < :key_to");
      add("m.creation_time < :date_to");
    }
    if (q.after_key) add(key_col + (desc ? " < :after" : " > :after"));

    const std::string sql = std::string("SELECT ") + message_columns + " FROM " + from + where + " ORDER BY " + key_col +
                            (desc ? " DESC" : " ASC") + " LIMIT :limit";

    auto bind_common = [&](SQLite::Statement& s) {
      auto bind_opt = [&](const char* name, const std::optional<std::string>& v) {
        if (v) s.bind(name, *v);
      };
      if (match) s.bind(":match", *match);
      bind_opt(":conversation", q.conversation_id);
      bind_opt(":owner", q.owner_id);
      bind_opt(":direction", q.direction);
      bind_opt(":type", q.type);
      bind_opt(":read_status", q.read_status);
      bind_opt(":message_status", q.message_status);
      bind_opt(":availability", q.availability);
      if (q.date_from) {
        s.bind(":key_from", *q.date_from * key_scale);
        s.bind(":date_from", *q.date_from);
      }
      if (q.date_to) {
        s.bind(":key_to", *q.date_to * key_scale);
        s.bind(":date_to", *q.date_to);
      }
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

    std::vector<message_row> rows;
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
      std::sort(rows.begin(), rows.end(), [&](const message_row& a, const message_row& b) {
        return desc ? a.sm.sort_key > b.sm.sort_key : a.sm.sort_key < b.sm.sort_key;
      });
      rows.erase(std::unique(rows.begin(), rows.end(),
                             [](const message_row& a, const message_row& b) { return a.row == b.row; }),
                 rows.end());
      if (rows.size() > q.limit) rows.resize(q.limit);
    } else {
      rows = impl_->query_rows(sql, bind_common);
    }
    std::vector<stored_message> out;
    out.reserve(rows.size());
    for (auto& r : rows) {
      impl_->load_children(r);
      out.push_back(std::move(r.sm));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    // The quoting above leaves FTS5 little to reject, but whatever it does
    // reject is the user's q, not a server fault.
    if (match && std::string_view(e.what()).find("fts5") != std::string_view::npos)
      return core::make_error(core::errc::bad_parameter, std::string("parameter 'q': ") + e.what());
    throw;
  }
}

std::optional<stored_message> reader::message(std::string_view id) {
  impl::snapshot snap(*impl_);
  auto rows = impl_->query_rows(std::string("SELECT ") + message_columns + " FROM messages m WHERE m.rc_id = ?",
                                [&](SQLite::Statement& s) { s.bind(1, std::string(id)); });
  if (rows.empty()) return std::nullopt;
  impl_->load_children(rows.front());
  return std::move(rows.front().sm);
}

std::optional<std::vector<stored_event>> reader::message_events(std::string_view id) {
  impl::snapshot snap(*impl_);
  auto& s = impl_->stmt("SELECT id FROM messages WHERE rc_id = ?");
  s.bind(1, std::string(id));
  if (!s.executeStep()) return std::nullopt;
  s.reset();
  return impl_->events_where("e.message_id = (SELECT id FROM messages WHERE rc_id = ?)", id);
}

std::optional<stored_event> reader::event(std::string_view uuid) {
  impl::snapshot snap(*impl_);
  auto events = impl_->events_where("e.uuid = ?", uuid);
  if (events.empty()) return std::nullopt;
  return std::move(events.front());
}

std::vector<conversation_summary> reader::conversations(std::optional<std::int64_t> before_key, std::size_t limit) {
  impl::snapshot snap(*impl_);
  // Walk messages newest first and keep a message when no newer one of its
  // conversation exists: that is the conversation's newest message, met in
  // the order conversations are listed. The test is one probe of the
  // conversation index and the walk runs inside one statement, so messages of
  // conversations already listed (on this page or an earlier one) cost one
  // probe each; counting and loading happen only for the conversations returned.
  auto newest = impl_->query_rows(
      std::string("SELECT ") + message_columns +
          " FROM messages m WHERE m.sort_key < :before AND m.conversation_id IS NOT NULL AND NOT EXISTS ("
          "SELECT 1 FROM messages n WHERE n.conversation_id = m.conversation_id AND n.sort_key > m.sort_key) "
          "ORDER BY m.sort_key DESC LIMIT :limit",
      [&](SQLite::Statement& s) {
        s.bind(":before", before_key.value_or(std::numeric_limits<std::int64_t>::max()));
        s.bind(":limit", static_cast<std::int64_t>(limit));
      });
  std::vector<conversation_summary> out;
  out.reserve(newest.size());
  for (auto& row : newest) {
    const std::string& conv = *row.sm.msg.conversation_id;
    auto& s = impl_->stmt("SELECT count(*) FROM messages WHERE conversation_id = ?");
    s.bind(1, conv);
    s.executeStep();
    const std::int64_t count = s.getColumn(0).getInt64();
    s.reset();
    impl_->load_children(row);
    conversation_summary c;
    c.conversation_id = conv;
    c.message_count = count;
    c.last_message = std::move(row.sm);
    auto note = [&](const core::party& p) {
      std::optional<std::string> v = p.phone_number ? p.phone_number : p.extension_number ? p.extension_number : p.name;
      if (v && std::find(c.participants.begin(), c.participants.end(), *v) == c.participants.end())
        c.participants.push_back(*v);
    };
    const auto& m = c.last_message.msg;
    if (m.from) note(*m.from);
    if (m.to)
      for (const auto& p : *m.to) note(p);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<rejected_row> reader::rejected(std::optional<std::int64_t> before_row, std::size_t limit) {
  impl::snapshot snap(*impl_);
  auto& s = impl_->stmt(
      "SELECT id, received_at, code, message, size, head FROM rejected WHERE id < ? ORDER BY id DESC LIMIT ?");
  s.bind(1, before_row.value_or(std::numeric_limits<std::int64_t>::max()));
  s.bind(2, static_cast<std::int64_t>(limit));
  std::vector<rejected_row> out;
  while (s.executeStep()) {
    rejected_row r;
    r.row_id = s.getColumn(0).getInt64();
    r.received_at = s.getColumn(1).getInt64();
    r.code = s.getColumn(2).getString();
    r.message = s.getColumn(3).getString();
    r.size = s.getColumn(4).getInt64();
    const auto head = s.getColumn(5);
    r.head.assign(static_cast<const char*>(head.getBlob()), static_cast<std::size_t>(head.getBytes()));
    out.push_back(std::move(r));
  }
  return out;
}

store_stats reader::stats() {
  impl::snapshot snap(*impl_);
  store_stats st;
  {
    auto& s = impl_->stmt("SELECT name, value FROM counters");
    while (s.executeStep()) st.counters[s.getColumn(0).getString()] = s.getColumn(1).getInt64();
  }
  {
    // The dead-letter table is capped, so counting it stays cheap.
    auto& s = impl_->stmt("SELECT count(*) FROM rejected");
    s.executeStep();
    st.rejected = s.getColumn(0).getInt64();
  }
  // Sort keys follow creation time, so both ends are one index step each.
  auto first_time = [&](const std::string& sql) -> std::optional<core::millis> {
    auto& s = impl_->stmt(sql);
    if (!s.executeStep()) return std::nullopt;
    return s.getColumn(0).getInt64();
  };
  st.oldest_message =
      first_time("SELECT creation_time FROM messages WHERE creation_time IS NOT NULL ORDER BY sort_key ASC LIMIT 1");
  st.newest_message =
      first_time("SELECT creation_time FROM messages WHERE creation_time IS NOT NULL ORDER BY sort_key DESC LIMIT 1");
  return st;
}

bool reader::ready() {
  try {
    SQLite::Database rw(impl_->opts.path.string(), SQLite::OPEN_READWRITE);
    if (sqlite3_db_readonly(rw.getHandle(), "main") != 0) return false;
    return schema_current(impl_->opts);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace rcvault::store
