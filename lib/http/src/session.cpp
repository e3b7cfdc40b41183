// One connection's life: read a request under the deadline, route it, write
// the reply (whole or streamed), repeat while kept alive.
#include "rcvault/http/error_response.hpp"
#include "rcvault/http/metrics.hpp"
#include "rcvault/log/log.hpp"

#include "listener_state.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <sstream>
#include <string_view>

namespace rcvault::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using error_code = boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t discard_limit = 64 * 1024;
constexpr std::size_t coalesce_bytes = 16 * 1024;  // a stream's bytes gathered before a write

namespace {

// EOF, deadline, reset and cancellation end a session without an answer.
bool is_quiet(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor || ec == asio::error::not_connected;
}

void count(const state_ptr& st, const std::string& route, unsigned status) {
  if (st->stats) st->stats->count_request(route, status);
}

// Tells the test probe about a write about to be issued.
void note_write(const listener_state& st, std::size_t bytes) {
  if (st.probe.wrote) st.probe.wrote(bytes);
}

// Writes `bytes` whole under the write deadline; false when the connection failed.
asio::awaitable<bool> write_bytes(const listener_state& st, stream_type& stream, const std::string& bytes) {
  note_write(st, bytes.size());
  stream.expires_after(st.limits.write_timeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
  if (ec && !is_quiet(ec)) log::debug("http write failed error={}", ec.message());
  co_return !ec;
}

// Appends `data` in the chunked coding (RFC 9112 7.1): hex size, CRLF, data, CRLF.
void append_chunk(std::string& out, std::string_view data) {
  char size[16];
  const auto end = std::to_chars(size, size + sizeof size, data.size(), 16).ptr;
  out.append(size, end);
  out += "\r\n";
  out += data;
  out += "\r\n";
}

// The status line and headers of `head`, ending in the empty line.
std::string header_text(const response& head) {
  std::ostringstream os;
  os << head.base();
  return std::move(os).str();
}

// Writes a full response or a stream (chunked, or close-delimited for HTTP/1.0);
// false when the connection must end.
asio::awaitable<bool> write_reply(const listener_state& st, stream_type& stream, reply& rep, unsigned version,
                                  bool close) {
  if (auto* res = std::get_if<response>(&rep)) {
    res->version(version);
    res->keep_alive(!close);
    res->prepare_payload();
    note_write(st, res->body().size());
    stream.expires_after(st.limits.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, *res, use_tuple);
    if (ec && !is_quiet(ec)) log::debug("http write failed error={}", ec.message());
    co_return !ec;
  }
  auto& sr = std::get<stream_response>(rep);
  // A known length (a file) goes with Content-Length on any version. Else
  // HTTP/1.0, which has no chunked coding (RFC 9112 6.1), ends the body by
  // closing the connection.
  const bool sized = sr.length.has_value();
  const bool chunked = !sized && version >= 11;
  sr.head.version(version);
  sr.head.keep_alive((sized || chunked) && !close);
  sr.head.body().clear();
  if (sized) sr.head.content_length(*sr.length);
  else sr.head.chunked(chunked);
  std::uint64_t sent = 0;
  // The head and the chunks are gathered and leave together once there is
  // enough to fill packets (or at the end): written one by one, a small export
  // was three writes, and with Nagle's algorithm the client's delayed ACK held
  // the last one back ~40 ms (docs/performance.md).
  std::string pending = header_text(sr.head);
  bool failed = false;
  for (;;) {
    std::optional<std::string> chunk;
    stream.expires_never();
    try {
      chunk = co_await sr.next();
    } catch (const std::exception& e) {
      log::error("http stream failed error={}", e.what());
      failed = true;
    }
    if (failed || !chunk) break;
    if (chunk->empty()) continue;
    sent += chunk->size();
    if (sized && sent > *sr.length) {
      log::error("http stream longer than its Content-Length length={}", *sr.length);
      failed = true;
      break;
    }
    if (chunked) append_chunk(pending, *chunk);
    else pending += *chunk;
    if (pending.size() >= coalesce_bytes) {
      const bool written = co_await write_bytes(st, stream, pending);
      if (!written) co_return false;
      pending.clear();
    }
  }
  // A failed stream ends unterminated (or short of its Content-Length), so
  // the client sees the failure when the connection closes.
  if (chunked && !failed) pending += "0\r\n\r\n";
  if (!pending.empty()) {
    const bool written = co_await write_bytes(st, stream, pending);
    if (!written) co_return false;
  }
  if (sized) co_return !failed && sent == *sr.length;
  co_return chunked && !failed;  // HTTP/1.0: closing the connection ends the body
}

}  // namespace

asio::awaitable<void> run_session(state_ptr st, std::uint64_t id, protocol::socket socket) {
  stream_type stream(std::move(socket));
  // Frees the connection's slot however the coroutine ends, an exception
  // included; declared after the stream, so it runs before the stream closes.
  struct slot_release {
    listener_state& st;
    std::uint64_t id;
    ~slot_release() {
      st.open.erase(id);
      st.slot_freed.cancel();
    }
  } release{*st, id};
  auto& entry = st->open[id];
  entry.stream = &stream;
  beast::flat_buffer buffer;
  const auto& table = st->table;

  for (;;) {
    if (st->stopping) break;
    entry.busy = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(st->limits.header_limit));
    parser.body_limit(boost::none);
    // One deadline covers the idle wait, the headers and the body of a request.
    stream.expires_after(st->limits.read_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    if (hec) {
      if (!is_quiet(hec)) {
        reply bad = error_response({core::errc::bad_parameter, "malformed HTTP request: " + hec.message()});
        co_await write_reply(*st, stream, bad, 11, true);
        count(st, "unknown", 400);
      }
      break;
    }
    entry.busy = true;
    const request& head = parser.get();
    const unsigned version = head.version();
    const bool keep_alive = head.keep_alive();
    std::string route = table.route_name ? table.route_name(head) : std::string("unknown");

    reply rep;
    bool body_unread = false;
    if (auto early = table.early ? table.early(head) : std::nullopt) {
      rep = std::move(*early);
      if (!parser.is_done()) {
        // A small announced body is read and dropped so the connection can stay open.
        auto length = parser.content_length();
        if (length && *length <= discard_limit) {
          parser.body_limit(discard_limit);
          auto [dec, dn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
          if (dec && is_quiet(dec)) break;
          body_unread = static_cast<bool>(dec);
        } else {
          body_unread = true;
        }
      }
    } else {
      const std::uint64_t limit = table.body_limit ? table.body_limit(head) : 0;
      if (auto length = parser.content_length(); length && *length > limit) {
        rep = error_response({core::errc::body_too_large,
                              "the body is larger than the limit of " + std::to_string(limit) + " bytes"});
        body_unread = true;
      } else {
        bool body_ok = true;
        if (!parser.is_done()) {
          parser.body_limit(limit);
          if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
            bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
            note_write(*st, 0);
            if (auto [cec, cn] = co_await bhttp::async_write(stream, cont, use_tuple); cec) break;
          }
          auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
          if (bec == bhttp::error::body_limit) {
            rep = error_response({core::errc::body_too_large,
                                  "the body is larger than the limit of " + std::to_string(limit) + " bytes"});
            body_unread = true;
            body_ok = false;
          } else if (bec) {
            if (is_quiet(bec)) break;
            rep = error_response({core::errc::bad_parameter, "malformed HTTP request: " + bec.message()});
            body_unread = true;
            body_ok = false;
          }
        }
        if (body_ok) {
          stream.expires_never();
          request req = parser.release();
          try {
            rep = co_await table.handle(req);
          } catch (const std::exception& e) {
            // SQLite failures and other surprises end here, as a 500 for this request only.
            log::error("http handler failed route={} error={}", route, e.what());
            rep = error_response({core::errc::internal, "internal error"});
          }
        }
      }
    }

    const bool close = !keep_alive || body_unread || st->stopping;
    const unsigned status = std::holds_alternative<response>(rep) ? std::get<response>(rep).result_int()
                                                                   : std::get<stream_response>(rep).head.result_int();
    const bool written = co_await write_reply(*st, stream, rep, version, close);
    count(st, route, status);
    if (!written || close) break;
  }

  error_code ignored;
  stream.socket().shutdown(protocol::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace rcvault::http::detail
