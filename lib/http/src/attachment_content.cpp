// GET /v1/messages/{id}/attachments/{attachmentId}/content: the archived bytes
// of one attachment (docs/attachments.md, "The content endpoint"). The row is
// read on a reader thread; the file is streamed from the network thread in
// 64 KiB reads, as Beast's file_body would, so memory stays constant whatever
// the attachment's size.
#include "byte_range.hpp"
#include "query_reply.hpp"
#include "rcvault/store/attachment_archive.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <boost/beast/http/field.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rcvault::http {

namespace detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t read_chunk = 64 * 1024;

std::shared_ptr<reader_fn<std::optional<store::archived_attachment>>> archived_job(std::string id,
                                                                                   std::string attachment_id) {
  return job<std::optional<store::archived_attachment>>(
      [id = std::move(id), attachment_id = std::move(attachment_id)](store::reader& r) {
        return r.archived(id, attachment_id);
      });
}

// An open file and the part of it still to send; closed with the last owner.
struct file_slice {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t left = 0;
  file_slice() = default;
  file_slice(const file_slice&) = delete;
  file_slice& operator=(const file_slice&) = delete;
  ~file_slice() {
    if (fd >= 0) ::close(fd);
  }
};

// Called only from slice_source's closure, which owns `f` while the session awaits.
asio::awaitable<std::optional<std::string>> next_slice(const std::shared_ptr<file_slice>& f) {
  if (f->left == 0) co_return std::nullopt;
  std::string chunk(f->left < read_chunk ? static_cast<std::size_t>(f->left) : read_chunk, '\0');
  ssize_t n;
  do {
    n = ::pread(f->fd, chunk.data(), chunk.size(), static_cast<off_t>(f->offset));
  } while (n < 0 && errno == EINTR);
  // The file shrank under us: the session cuts the connection short of Content-Length.
  if (n <= 0) throw std::runtime_error(n < 0 ? std::string("attachment read failed: ") + std::strerror(errno)
                                              : std::string("attachment file ended early"));
  chunk.resize(static_cast<std::size_t>(n));
  f->offset += static_cast<std::uint64_t>(n);
  f->left -= static_cast<std::uint64_t>(n);
  co_return chunk;
}

std::function<asio::awaitable<std::optional<std::string>>()> slice_source(std::shared_ptr<file_slice> f) {
  return [f] { return next_slice(f); };
}

std::string what_state_means(const store::archived_attachment& a) {
  std::string out = fmt::format("attachment {} of message {} is {}", a.attachment_id, a.message_id,
                                store::to_string(a.state));
  if (a.reason && !a.reason->empty()) out += ": " + *a.reason;
  return out;
}

// RFC 9110 13.1.2: "*" or a list of entity tags, weak ones compared weakly.
bool none_match(std::string_view header, std::string_view etag) {
  if (header.find('*') != std::string_view::npos) return true;
  std::size_t pos = 0;
  while ((pos = header.find(etag, pos)) != std::string_view::npos) {
    const std::size_t end = pos + etag.size();
    if (end == header.size() || header[end] == ',' || header[end] == ' ' || header[end] == '\t') return true;
    pos = end;
  }
  return false;
}

}  // namespace

asio::awaitable<reply> get_attachment_content(const request& req, query_context& ctx, const std::string& id,
                                              const std::string& attachment_id) {
  const auto reader_job_fn = archived_job(id, attachment_id);
  auto row = co_await on_reader(ctx.readers, reader_job_fn);
  if (!row) co_return error_reply(req, not_found("no attachment '" + attachment_id + "' of a message '" + id + "'"));
  if (row->state != store::archive_state::stored || !row->sha256 || !row->bytes)
    co_return error_reply(req, core::make_error(core::errc::not_archived, what_state_means(*row)));

  const std::uint64_t size = static_cast<std::uint64_t>(*row->bytes);
  const auto path = store::content_path(ctx.attachments_dir, *row->sha256);
  const std::string shown = fmt::format("sha256/{}/{}", row->sha256->substr(0, 2), *row->sha256);
  auto file = std::make_shared<file_slice>();
  file->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (file->fd < 0 || ::fstat(file->fd, &st) != 0 || !S_ISREG(st.st_mode))
    co_return error_reply(req, core::make_error(core::errc::content_missing,
                                                fmt::format("attachment {} of message {} is stored but its file {} "
                                                            "is missing under attachments.dir; run rcvault check "
                                                            "--attachments",
                                                            attachment_id, id, shown)));
  if (static_cast<std::uint64_t>(st.st_size) != size)
    co_return error_reply(req, core::make_error(core::errc::content_missing,
                                                fmt::format("attachment {} of message {} is stored but its file {} "
                                                            "has {} bytes instead of {}; run rcvault check "
                                                            "--attachments",
                                                            attachment_id, id, shown, st.st_size, size)));

  const std::string etag = "\"" + *row->sha256 + "\"";
  auto set_common = [&](response& head) {
    head.set(bhttp::field::etag, etag);
    head.set(bhttp::field::accept_ranges, "bytes");
  };

  if (const auto inm = req[bhttp::field::if_none_match]; !inm.empty() && none_match(inm, etag)) {
    response res = make_response(req, bhttp::status::not_modified, {}, {});
    res.erase(bhttp::field::content_type);
    set_common(res);
    co_return res;
  }

  byte_range range;
  // If-Range with another validator asks for the whole (changed) content.
  const auto if_range = req[bhttp::field::if_range];
  if (if_range.empty() || if_range == etag) range = parse_byte_range(req[bhttp::field::range], size);
  if (range.what == byte_range::kind::unsatisfiable) {
    response res = error_reply(req, core::make_error(core::errc::range_not_satisfiable,
                                                     fmt::format("the range is outside the content ({} bytes)", size)));
    res.set(bhttp::field::content_range, fmt::format("bytes */{}", size));
    set_common(res);
    co_return res;
  }

  stream_response sr;
  sr.head = make_response(req, range.what == byte_range::kind::partial ? bhttp::status::partial_content
                                                                         : bhttp::status::ok,
                          {}, {});
  std::string type = "application/octet-stream";
  if (row->stored_type && !row->stored_type->empty()) type = *row->stored_type;
  else if (row->content_type && !row->content_type->empty()) type = *row->content_type;
  sr.head.set(bhttp::field::content_type, type);
  set_common(sr.head);
  // Served from the query API's origin: never let a browser run or sniff it.
  sr.head.set("X-Content-Type-Options", "nosniff");
  sr.head.set("Content-Security-Policy", "sandbox");
  if (range.what == byte_range::kind::partial) {
    sr.head.set(bhttp::field::content_range, fmt::format("bytes {}-{}/{}", range.first, range.last, size));
    file->offset = range.first;
    file->left = range.last - range.first + 1;
  } else {
    file->left = size;
  }
  sr.length = file->left;
  sr.next = slice_source(std::move(file));
  co_return sr;
}

}  // namespace detail
}  // namespace rcvault::http
