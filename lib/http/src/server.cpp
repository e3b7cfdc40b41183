// The listener: bind, accept under the connection cap, one session coroutine
// per connection (session.cpp), stop and abort.
#include "rcvault/http/server.hpp"

#include "rcvault/log/log.hpp"

#include "listener_state.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstring>
#include <exception>
#include <system_error>

namespace rcvault::http {

namespace asio = boost::asio;
using detail::protocol;
using detail::state_ptr;
using error_code = boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

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

// A session that ended by an exception (its slot is freed by the session itself).
void log_session_failure(const std::exception_ptr& failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    log::error("http connection failed error={}", e.what());
  } catch (...) {
    log::error("http connection failed error=unknown");
  }
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
    // Replies leave as soon as they are written: with Nagle's algorithm a
    // response's last small write waited for the client's delayed ACK.
    error_code option_ec;
    if (st->tcp) socket.set_option(asio::ip::tcp::no_delay(true), option_ec);
    if (option_ec) log::debug("http no-delay failed listen={} error={}", st->address, option_ec.message());
    if (st->probe.accepted) st->probe.accepted(socket.native_handle());
    const auto id = st->next_id++;
    st->open.emplace(id, detail::connection_entry{});
    asio::co_spawn(st->io, detail::run_session(st, id, std::move(socket)), log_session_failure);
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
    state_->tcp = true;
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

void listener::set_probe(listener_probe probe) { state_->probe = std::move(probe); }

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
