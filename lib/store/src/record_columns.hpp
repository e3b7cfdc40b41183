#pragma once
// The rows of messages, parties and attachments as core's field tables
// (rcvault/core/message_fields.hpp) describe them: column lists, binds and
// reads, shared by the writer and the readers so neither lists a field.

#include "rcvault/core/message.hpp"
#include "rcvault/core/message_fields.hpp"
#include "rcvault/core/notification.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rcvault::store::detail {

// Nullable column readers: NULL is nullopt.
std::optional<std::string> column_text(const SQLite::Column& c);
std::optional<std::int64_t> column_int(const SQLite::Column& c);
std::optional<bool> column_bool(const SQLite::Column& c);

// The extra fields a row keeps as a JSON object; NULL, or anything but an
// object (which the writer never stores), is none rather than a failed read.
boost::json::object column_extra(const SQLite::Column& c);

// Binds `extra` as its JSON text, or NULL when empty.
void bind_extra(SQLite::Statement& s, int index, const boost::json::object& extra);

// "a.c1, a.c2, ...": the columns of `fields`, each after `prefix`.
template <class Record, std::size_t N>
std::string column_list(const std::array<core::field<Record>, N>& fields, std::string_view prefix = {}) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ", ";
    out.append(prefix).append(f.column);
  }
  return out;
}

// Binds the fields of `rec` to parameters first, first + 1, ... in table
// order (a carried from/to/attachments as 1, else 0); returns the next
// parameter number.
template <class Record, std::size_t N>
int bind_fields(SQLite::Statement& s, int first, const Record& rec, const std::array<core::field<Record>, N>& fields) {
  using core::field_kind;
  int i = first;
  for (const auto& f : fields) {
    switch (f.kind) {
      case field_kind::key: s.bind(i, rec.*f.key); break;
      case field_kind::text:
      case field_kind::id:
      case field_kind::message_type:
        if (const auto& v = rec.*f.text) s.bind(i, *v);
        else s.bind(i);
        break;
      case field_kind::integer:
      case field_kind::time:
        if (const auto& v = rec.*f.integer) s.bind(i, static_cast<std::int64_t>(*v));
        else s.bind(i);
        break;
      case field_kind::boolean:
        if (const auto& v = rec.*f.boolean) s.bind(i, *v ? 1 : 0);
        else s.bind(i);
        break;
      case field_kind::party: s.bind(i, (rec.*f.one_party).has_value() ? 1 : 0); break;
      case field_kind::parties: s.bind(i, (rec.*f.parties).has_value() ? 1 : 0); break;
      case field_kind::attachments: s.bind(i, (rec.*f.attachments).has_value() ? 1 : 0); break;
    }
    ++i;
  }
  return i;
}

// Reads columns first, first + 1, ... (as column_list names them) into
// `rec`; a carried from/to/attachments becomes an empty party or list for
// the child rows to fill. Returns the next column index.
template <class Record, std::size_t N>
int read_fields(SQLite::Statement& s, int first, Record& rec, const std::array<core::field<Record>, N>& fields) {
  using core::field_kind;
  int i = first;
  for (const auto& f : fields) {
    const auto c = s.getColumn(i);
    switch (f.kind) {
      case field_kind::key: rec.*f.key = c.getString(); break;
      case field_kind::text:
      case field_kind::id:
      case field_kind::message_type: rec.*f.text = column_text(c); break;
      case field_kind::integer:
      case field_kind::time: rec.*f.integer = column_int(c); break;
      case field_kind::boolean: rec.*f.boolean = column_bool(c); break;
      case field_kind::party:
        if (c.getInt64() != 0) (rec.*f.one_party).emplace();
        break;
      case field_kind::parties:
        if (c.getInt64() != 0) (rec.*f.parties).emplace();
        break;
      case field_kind::attachments:
        if (c.getInt64() != 0) (rec.*f.attachments).emplace();
        break;
    }
    ++i;
  }
  return i;
}

// A message as stored: its row id (arrival order), its sort key (time order),
// the merged state and the version it holds.
struct stored_message {
  std::int64_t row_id = 0;
  std::int64_t sort_key = 0;
  core::message msg;
  core::version_key version;
};

// The columns of `messages m` that read_message_row takes, in its order.
const std::string& message_row_columns();

// Reads a row selected with message_row_columns(); from, to and attachments
// are empty when carried, for read_party_row and read_attachment_row to fill.
stored_message read_message_row(SQLite::Statement& s);

// The columns of `parties` that read_party_row takes, in its order.
const std::string& party_row_columns();

// Reads a party row into `m`: position 0 is `from`, the others are appended
// to `to`; a party of a list the message does not carry is dropped.
void read_party_row(SQLite::Statement& s, core::message& m);

// The columns of `attachments` that read_attachment_row takes, in its order.
const std::string& attachment_row_columns();

// Appends an attachment row to m.attachments (which must be carried).
void read_attachment_row(SQLite::Statement& s, core::message& m);

}  // namespace rcvault::store::detail
