// The reader's side of attachment_archive: the archive of each listed
// attachment, one attachment's row, the stored contents.
#include "attachment_rows.hpp"
#include "reader_impl.hpp"

#include <algorithm>

namespace rcvault::store {

using detail::column_int;
using detail::column_text;

void reader::impl::load_archive(detail::stored_message& r) {
  auto& m = r.msg;
  if (!m.attachments) return;
  auto& s = stmt(
      "SELECT attachment_id, uri, type, content_type, state, sha256, bytes, stored_type FROM attachment_archive "
      "WHERE message_id = ?");
  s.bind(1, r.row_id);
  const std::size_t listed = m.attachments->size();
  while (s.executeStep()) {
    const auto id = s.getColumn(0).getString();
    const auto state = archive_state_from_string(s.getColumn(4).getString()).value_or(archive_state::pending);
    auto info = detail::archive_info_of(state, column_text(s.getColumn(5)), column_int(s.getColumn(6)));
    const auto first = m.attachments->begin();
    const auto end = first + static_cast<std::ptrdiff_t>(listed);
    bool found = false;
    for (auto it = first; it != end; ++it) {
      if (it->id != id) continue;
      it->archive = info;
      found = true;
    }
    // An archived attachment stays listed when a newer version (a purged
    // message) no longer carries it (docs/attachments.md).
    if (found || state != archive_state::stored) continue;
    core::attachment a;
    a.id = id;
    a.uri = column_text(s.getColumn(1));
    a.type = column_text(s.getColumn(2));
    a.content_type = column_text(s.getColumn(3));
    if (!a.content_type) a.content_type = column_text(s.getColumn(7));
    a.archive = std::move(info);
    m.attachments->push_back(std::move(a));
  }
  s.reset();
}

std::optional<archived_attachment> reader::archived(std::string_view message_id, std::string_view attachment_id) {
  impl::snapshot snap(*impl_);
  auto& s = impl_->stmt("SELECT " + std::string(detail::archive_row_columns) +
                        " FROM messages m JOIN attachment_archive a ON a.message_id = m.id"
                        " WHERE m.rc_id = ? AND a.attachment_id = ?");
  s.bind(1, std::string(message_id));
  s.bind(2, std::string(attachment_id));
  if (!s.executeStep()) return std::nullopt;
  return detail::read_archive_row(s);
}

std::vector<std::pair<std::string, std::int64_t>> reader::stored_contents(std::optional<std::string> after_sha256,
                                                                          std::size_t limit) {
  impl::snapshot snap(*impl_);
  auto& s = impl_->stmt(
      "SELECT sha256, max(bytes) FROM attachment_archive WHERE state = 'stored' AND sha256 > ? "
      "GROUP BY sha256 ORDER BY sha256 LIMIT ?");
  s.bind(1, after_sha256.value_or(""));
  s.bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (s.executeStep()) out.emplace_back(s.getColumn(0).getString(), s.getColumn(1).getInt64());
  return out;
}

}  // namespace rcvault::store
