#pragma once
// Where a stored attachment's content lives under attachments.dir
// (docs/attachments.md, "Where files live"): served by
// GET /v1/messages/{id}/attachments/{attachmentId}/content and verified by
// `rcvault check --attachments`.

#include <filesystem>
#include <string_view>

namespace rcvault::http {

// Returns dir/sha256/<first two hex digits>/<sha256>. `sha256` is the row's
// lower-case hex; the path is only composed, never checked.
std::filesystem::path attachment_content_path(const std::filesystem::path& dir, std::string_view sha256);

}  // namespace rcvault::http
