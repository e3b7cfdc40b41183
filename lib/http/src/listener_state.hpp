#pragma once
// What a listener and its sessions share: the acceptor, the route table, the
// limits and the table of open connections. Lives on the io thread only.

#include "rcvault/http/server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/basic_stream.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace rcvault::http::detail {

using protocol = boost::asio::generic::stream_protocol;
using stream_type = boost::beast::basic_stream<protocol>;

struct connection_entry {
  stream_type* stream = nullptr;  // null until the session coroutine runs
  bool busy = false;              // between reading a request's header and writing its response
};

struct listener_state {
  listener_state(boost::asio::io_context& io_ctx, routes r, server_limits l, metrics* m)
      : io(io_ctx), acceptor(io_ctx), table(std::move(r)), limits(l), stats(m), slot_freed(io_ctx) {}

  boost::asio::io_context& io;
  boost::asio::basic_socket_acceptor<protocol> acceptor;
  routes table;
  server_limits limits;
  metrics* stats;
  std::string address;
  std::uint16_t bound_port = 0;
  bool tcp = false;  // a TCP listener (not a unix socket): accepted sockets get TCP_NODELAY
  listener_probe probe;
  bool stopping = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, connection_entry> open;
  boost::asio::steady_timer slot_freed;  // the accept loop waits on it while at the connection cap
};

using state_ptr = std::shared_ptr<listener_state>;

// Serves requests on `socket` until it closes, an error or a stop; the
// connection `id` has an entry in st->open, which the session removes at its end.
boost::asio::awaitable<void> run_session(state_ptr st, std::uint64_t id, protocol::socket socket);

}  // namespace rcvault::http::detail
