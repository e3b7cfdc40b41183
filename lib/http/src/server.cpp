#include "rcvault/http/server.hpp"

#include "rcvault/http/error_response.hpp"
#include "rcvault/http/metrics.hpp"
#include "rcvault/log/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <cstring>
#include <map>
#include <system_error>

namespace rcvault::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using protocol = asio::generic::stream_protocol;
using stream_type = beast::basic_stream<protocol>;
using error_code = boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t discard_limit = 64 * 1024;

namespace {

struct connection_entry {
  stream_type* stream = nullptr;  // null until the session coroutine runs
  bool busy = false;              // between reading a request's header and writing its response
};

// EOF, deadline, reset and cancellation end a session without an answer.
bool is_quiet(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor || ec == asio::error::not_connected;
}

std::string describe(const listen_spec& where) {
  if (!where.unix_path.empty()) return "unix:" + where.unix_path.string();
  if (where.host.find(':') != std::string::npos) return "[" + where.host + "]:" + std::to_string(where.port);
  return where.host + ":" + std::to_string(where.port);
}

asio::ip::tcp::endpoint to_tcp(const protocol::endpoint& g) {
  asio::ip::tcp::endpoint t;
  std::memcpy(t.data(), g.data(), g.size());
  t.resize(g.size());
  return t;
}

}  // namespace

struct detail::listener_state {
  listener_state(asio::io_context& io_ctx, routes r, server_limits l, metrics* m)
      : io(io_ctx), acceptor(io_ctx), table(std::move(r)), limits(l), stats(m), slot_freed(io_ctx) {}

  asio::io_context& io;
  asio::basic_socket_acceptor<protocol> acceptor;
  routes table;
  server_limits limits;
  metrics* stats;
  std::string address;
  std::uint16_t bound_port = 0;
  bool stopping = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, connection_entry> open;
  asio::steady_timer slot_freed;  // the accept loop waits on it while at the connection cap
};

namespace {

using state_ptr = std::shared_ptr<detail::listener_state>;

void count(const state_ptr& st, const std::string& route, unsigned status) {
  if (st->stats) st->stats->count_request(route, status);
}

// Writes a full response or a stream (chunked, or close-delimited for HTTP/1.0);
// false when the connection must end.
asio::awaitable<bool> write_reply(stream_type& stream, reply& rep, unsigned version, bool close,
                                  std::chrono::milliseconds timeout) {
  if (auto* res = std::get_if<response>(&rep)) {
    res->version(version);
    res->keep_alive(!close);
    res->prepare_payload();
    stream.expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, *res, use_tuple);
    if (ec && !is_quiet(ec)) log::debug("http write failed error={}", ec.message());
    co_return !ec;
  }
  auto& sr = std::get<stream_response>(rep);
  // HTTP/1.0 has no chunked coding (RFC 9112 6.1): its body ends when the
  // connection closes.
  const bool chunked = version >= 11;
  sr.head.version(version);
  sr.head.keep_alive(chunked && !close);
  sr.head.body().clear();
  sr.head.chunked(chunked);
  bhttp::response_serializer<bhttp::string_body> serializer{sr.head};
  stream.expires_after(timeout);
  if (auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, use_tuple); ec) co_return false;
  for (;;) {
    std::optional<std::string> chunk;
    stream.expires_never();
    try {
      chunk = co_await sr.next();
    } catch (const std::exception& e) {
      // The status line is gone already: end the stream unterminated so the client sees the failure.
      log::error("http stream failed error={}", e.what());
      co_return false;
    }
    if (!chunk) break;
    if (chunk->empty()) continue;
    stream.expires_after(timeout);
    error_code ec;
    if (chunked) std::tie(ec, std::ignore) = co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(*chunk)), use_tuple);
    else std::tie(ec, std::ignore) = co_await asio::async_write(stream, asio::buffer(*chunk), use_tuple);
    if (ec) co_return false;
  }
  if (!chunked) co_return false;  // closing the connection ends the body
  stream.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream, bhttp::make_chunk_last(), use_tuple);
  co_return !ec;
}

asio::awaitable<void> run_session(state_ptr st, std::uint64_t id, protocol::socket socket) {
  stream_type stream(std::move(socket));
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
        co_await write_reply(stream, bad, 11, true, st->limits.write_timeout);
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
    const bool written = co_await write_reply(stream, rep, version, close, st->limits.write_timeout);
    count(st, route, status);
    if (!written || close) break;
  }

  error_code ignored;
  stream.socket().shutdown(protocol::socket::shutdown_send, ignored);
  stream.close();
  st->open.erase(id);
  st->slot_freed.cancel();
}

asio::awaitable<void> accept_loop(state_ptr st) {
  for (;;) {
    while (!st->stopping && st->open.size() >= st->limits.max_connections) {
      st->slot_freed.expires_at(std::chrono::steady_clock::time_point::max());
      co_await st->slot_freed.async_wait(use_tuple);
    }
    if (st->stopping) co_return;
    auto [ec, socket] = co_await st->acceptor.async_accept(use_tuple);
    if (st->stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors or a transient failure: back off instead of spinning.
      log::warning("http accept failed listen={} error={}", st->address, ec.message());
      asio::steady_timer pause(st->io, std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    const auto id = st->next_id++;
    st->open.emplace(id, connection_entry{});
    asio::co_spawn(st->io, run_session(st, id, std::move(socket)), asio::detached);
  }
}

}  // namespace

listener::listener(asio::io_context& io, const listen_spec& where, routes r, server_limits limits, metrics* stats)
    : state_(std::make_shared<detail::listener_state>(io, std::move(r), limits, stats)) {
  auto& acceptor = state_->acceptor;
  error_code ec;
  protocol::endpoint endpoint;
  if (!where.unix_path.empty()) {
    // A socket file left by a previous run would make bind fail.
    std::error_code fec;
    if (std::filesystem::is_socket(std::filesystem::symlink_status(where.unix_path, fec))) {
      std::filesystem::remove(where.unix_path, fec);
    }
    endpoint = protocol::endpoint(asio::local::stream_protocol::endpoint(where.unix_path.string()));
  } else {
    auto address = asio::ip::make_address(where.host, ec);
    if (ec) throw std::system_error(ec, "listen " + describe(where));
    endpoint = protocol::endpoint(asio::ip::tcp::endpoint(address, where.port));
  }
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec && where.unix_path.empty()) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::system_error(ec, "listen " + describe(where));

  if (!where.unix_path.empty()) {
    state_->address = describe(where);
  } else {
    auto bound = to_tcp(acceptor.local_endpoint());
    state_->bound_port = bound.port();
    listen_spec real = where;
    real.port = bound.port();
    real.host = bound.address().to_string();
    state_->address = describe(real);
  }
}

listener::~listener() {
  error_code ignored;
  state_->acceptor.close(ignored);
}

std::string listener::local_address() const { return state_->address; }

std::uint16_t listener::port() const { return state_->bound_port; }

void listener::start() { asio::co_spawn(state_->io, accept_loop(state_), asio::detached); }

void listener::stop() {
  state_->stopping = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  state_->slot_freed.cancel();
  for (auto& [id, entry] : state_->open) {
    if (entry.stream && !entry.busy) entry.stream->cancel();
  }
}

void listener::abort() {
  state_->stopping = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  state_->slot_freed.cancel();
  for (auto& [id, entry] : state_->open) {
    if (entry.stream) entry.stream->socket().close(ignored);
  }
}

std::size_t listener::connections() const { return state_->open.size(); }

}  // namespace rcvault::http
