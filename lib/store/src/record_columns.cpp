#include "record_columns.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace rcvault::store::detail {

std::optional<std::string> column_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

std::optional<std::int64_t> column_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

std::optional<bool> column_bool(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64() != 0;
}

boost::json::object column_extra(const SQLite::Column& c) {
  if (c.isNull()) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(c.getString(), ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

void bind_extra(SQLite::Statement& s, int index, const boost::json::object& extra) {
  if (extra.empty()) s.bind(index);
  else s.bind(index, boost::json::serialize(extra));
}

const std::string& message_row_columns() {
  static const std::string columns = "m.id, " + column_list(core::message_fields, "m.") +
                                     ", m.extra, m.sort_key, m.version_time, m.version_sent, m.version_uuid";
  return columns;
}

stored_message read_message_row(SQLite::Statement& s) {
  stored_message out;
  out.row_id = s.getColumn(0).getInt64();
  int i = read_fields(s, 1, out.msg, core::message_fields);
  out.msg.extra = column_extra(s.getColumn(i++));
  out.sort_key = s.getColumn(i++).getInt64();
  out.version.time = s.getColumn(i++).getInt64();
  out.version.sent = s.getColumn(i++).getInt64();
  out.version.uuid = s.getColumn(i).getString();
  return out;
}

const std::string& party_row_columns() {
  static const std::string columns = "position, " + column_list(core::party_fields) + ", extra";
  return columns;
}

void read_party_row(SQLite::Statement& s, core::message& m) {
  core::party p;
  const int i = read_fields(s, 1, p, core::party_fields);
  p.extra = column_extra(s.getColumn(i));
  if (s.getColumn(0).getInt() == 0) {
    if (m.from) *m.from = std::move(p);
  } else if (m.to) {
    m.to->push_back(std::move(p));
  }
}

const std::string& attachment_row_columns() {
  static const std::string columns = column_list(core::attachment_fields) + ", extra";
  return columns;
}

void read_attachment_row(SQLite::Statement& s, core::message& m) {
  core::attachment a;
  const int i = read_fields(s, 0, a, core::attachment_fields);
  a.extra = column_extra(s.getColumn(i));
  m.attachments->push_back(std::move(a));
}

}  // namespace rcvault::store::detail
