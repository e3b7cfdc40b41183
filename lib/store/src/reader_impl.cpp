#include "reader_impl.hpp"

#include "connection.hpp"

#include <stdexcept>

namespace rcvault::store {

using detail::column_int;
using detail::column_text;

namespace {

SQLite::Database open_reader(const options& o) {
  try {
    return detail::open_connection(o, detail::role::reader);
  } catch (const std::exception& e) {
    throw std::runtime_error("database " + o.path.string() + ": " + e.what());
  }
}

}  // namespace

reader::impl::impl(const options& o) : opts(o), db(open_reader(o)) {
  // One page of results scattered over the archive (a rare word or number)
  // touches about 500 pages of messages, parties, attachments and FTS
  // doclists: all of SQLite's default 2 MiB cache, so each request read them
  // from the kernel again. 8 MiB per reader keeps them and the upper index
  // levels (a rare word's page takes less than half the CPU time); the
  // readers add at most ~12 MiB to the resident size.
  db.exec("PRAGMA cache_size=-8192");
}

SQLite::Statement& reader::impl::stmt(const std::string& sql) {
  auto it = cache.find(sql);
  if (it == cache.end()) it = cache.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
  auto& s = *it->second;
  s.tryReset();
  s.clearBindings();
  return s;
}

void reader::impl::release() noexcept {
  for (auto& [sql, s] : cache) s->tryReset();
}

void reader::impl::load_children(detail::stored_message& r) {
  auto& m = r.msg;
  if (m.from || m.to) {
    auto& s = stmt("SELECT " + detail::party_row_columns() + " FROM parties WHERE message_id = ? ORDER BY position");
    s.bind(1, r.row_id);
    while (s.executeStep()) detail::read_party_row(s, m);
  }
  if (m.attachments) {
    auto& s = stmt("SELECT " + detail::attachment_row_columns() +
                   " FROM attachments WHERE message_id = ? ORDER BY position");
    s.bind(1, r.row_id);
    while (s.executeStep()) detail::read_attachment_row(s, m);
    s.reset();
    load_archive(r);
  }
}

std::int64_t reader::impl::counter(const std::string& name) {
  auto& s = stmt("SELECT value FROM counters WHERE name = ?");
  s.bind(1, name);
  const std::int64_t value = s.executeStep() ? s.getColumn(0).getInt64() : 0;
  s.reset();
  return value;
}

std::vector<stored_event> reader::impl::events_where(const std::string& where, std::string_view key) {
  auto& s = stmt(
      "SELECT e.uuid, e.kind, e.event, e.subscription_id, e.owner_id, e.sent_at, e.received_at, e.outcome, "
      "e.reason, m.rc_id, e.raw, e.raw_dict FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE " +
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
    e.raw = codec.decode(s.getColumn(10), s.getColumn(11));
    out.push_back(std::move(e));
  }
  return out;
}

reader::reader(const options& opts) : impl_(std::make_unique<impl>(opts)) {}
reader::~reader() = default;

}  // namespace rcvault::store
