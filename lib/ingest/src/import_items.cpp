#include "rcvault/ingest/parse.hpp"

#include "json_document.hpp"
#include "json_text.hpp"
#include "notification_builder.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace rcvault::ingest {
namespace {
namespace json = boost::json;
using sink_fn = std::function<void(core::result<core::notification>, std::size_t line)>;
constexpr std::size_t npos = std::string_view::npos;

bool is_space(char c) noexcept { return detail::is_json_space(c); }
std::size_t skip_value(std::string_view t, std::size_t pos) noexcept { return detail::skip_json_value(t, pos); }

// 1-based line of a byte offset; cheap when offsets mostly grow.
class line_counter {
 public:
  explicit line_counter(std::string_view t) noexcept : text_(t) {}
  std::size_t at(std::size_t offset) noexcept {
    offset = std::min(offset, text_.size());
    if (offset < pos_) pos_ = 0, line_ = 1;
    line_ += static_cast<std::size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                                 text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    pos_ = offset;
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

class importer {
 public:
  importer(std::string_view text, const sink_fn& sink) : text_(text), sink_(sink), lines_(text) {}

  void run() {
    std::size_t pos = 0;
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    for (;;) {
      pos = skip_spaces(pos, text_.size());
      if (pos >= text_.size()) return;
      if (text_[pos] == '[') {
        pos = array_items(pos, text_.size());
        continue;
      }
      detail::json_document doc(text_.substr(pos), detail::json_extent::first_value);
      if (!doc.ok()) {
        sink_(doc.error(), lines_.at(pos));
        // NDJSON: a bad line costs only itself, even when the parser read on
        // into the next line looking for the rest of the value.
        std::size_t nl = text_.find('\n', pos);
        pos = nl == npos ? text_.size() : nl + 1;
        continue;
      }
      std::size_t next = pos + doc.consumed();
      // The parser also takes the whitespace after a value; raw stops at the value.
      std::size_t end = next;
      while (end > pos && is_space(text_[end - 1])) --end;
      item_value(doc.value(), pos, end);
      pos = next;
    }
  }

 private:
  std::size_t skip_spaces(std::size_t pos, std::size_t limit) const noexcept {
    while (pos < limit && is_space(text_[pos])) ++pos;
    return pos;
  }

  // Emits each element of the array at text_[open] as an item; returns the
  // index after it (or `limit` when it is broken, after reporting that).
  std::size_t array_items(std::size_t open, std::size_t limit) {
    const std::size_t open_line = lines_.at(open);
    std::size_t pos = open + 1;
    for (;;) {
      pos = skip_spaces(pos, limit);
      if (pos >= limit) {
        // Reported where it is found, so lines given to the sink never go back.
        sink_(core::make_error(core::errc::invalid_json,
                               fmt::format("unterminated JSON array (opened on line {})", open_line)),
              lines_.at(limit));
        return limit;
      }
      if (text_[pos] == ']') return pos + 1;
      std::size_t end = skip_value(text_, pos);
      if (end == npos || end > limit) {
        item_text(pos, limit);
        return limit;
      }
      item_text(pos, end);
      pos = skip_spaces(end, limit);
      if (pos < limit && text_[pos] == ',') {
        ++pos;
      } else if (pos < limit && text_[pos] == ']') {
        return pos + 1;
      } else {
        sink_(core::make_error(core::errc::invalid_json, fmt::format("expected ',' or ']' at byte {}", pos)),
              lines_.at(pos));
        return limit;
      }
    }
  }

  void item_text(std::size_t begin, std::size_t end) {
    detail::json_document doc(text_.substr(begin, end - begin));
    if (!doc.ok()) {
      sink_(doc.error(), lines_.at(begin));
      return;
    }
    item_value(doc.value(), begin, end);
  }

  void item_value(const json::value& v, std::size_t begin, std::size_t end) {
    std::size_t line = lines_.at(begin);
    if (!v.is_object()) {
      sink_(core::make_error(core::errc::invalid_record, "not a JSON object"), line);
      return;
    }
    const json::object& o = v.get_object();
    std::string_view raw = text_.substr(begin, end - begin);
    if (detail::looks_like_envelope(o)) {
      sink_(detail::notification_from_envelope(o, raw, std::nullopt), line);
      return;
    }
    if (const json::value* records = o.if_contains("records"); records && records->is_array()) {
      list_records(records->get_array(), begin, end);
      return;
    }
    sink_(detail::notification_from_record(o, raw), line);
  }

  // A Get Message List response: each record is an item whose raw text is its
  // own bytes in the file, so its line is its own too.
  void list_records(const json::array& records, std::size_t begin, std::size_t end) {
    if (std::size_t open = find_member(begin, end, "records"); open != npos) {
      array_items(open, end);
      return;
    }
    // Only an escaped spelling of "records" gets here: fall back to re-serialised text.
    std::size_t line = lines_.at(begin);
    for (const auto& r : records) {
      if (!r.is_object()) {
        sink_(core::make_error(core::errc::invalid_record, "not a JSON object"), line);
        continue;
      }
      std::string raw = json::serialize(r);
      sink_(detail::notification_from_record(r.get_object(), raw), line);
    }
  }

  // Offset of the array value of top-level member `key` in the (valid) object
  // text [begin, end), npos when absent.
  std::size_t find_member(std::size_t begin, std::size_t end, std::string_view key) const noexcept {
    return detail::find_json_array_member(text_, begin, end, key);
  }

  std::string_view text_;
  const sink_fn& sink_;
  line_counter lines_;
};

}  // namespace

void for_each_import_item(std::string_view text, const sink_fn& sink) { importer(text, sink).run(); }

}  // namespace rcvault::ingest
