#include "connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace rcvault::ringcentral {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using error_code = boost::system::error_code;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::uint32_t header_limit = 64 * 1024;

namespace {

enum class stage { connect, handshake, write, read };

std::string classify(const error_code& ec, stage at) {
  if (ec == beast::error::timeout) return "timeout";
  if (at == stage::handshake || ec.category() == asio::error::get_ssl_category()) return "tls";
  return "network";
}

// The peer closed an idle keep-alive connection: try again on a new one. A
// reset is not taken for that: it is how an overloaded server fails, and it
// must meet the backoff (docs/sync.md, "Limits").
bool is_dead_connection(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

}  // namespace

struct connection::impl {
  impl(asio::any_io_executor e, ssl::context& t, origin w) : ex(std::move(e)), tls(t), where(std::move(w)) {}

  asio::any_io_executor ex;
  ssl::context& tls;
  origin where;
  std::optional<beast::tcp_stream> plain;
  std::optional<tls_stream> secure;
  beast::flat_buffer buffer;
  bool open = false;
  bool reusable = false;
  std::vector<char> chunk = std::vector<char>(chunk_size);

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void close() noexcept {
    error_code ignored;
    if (plain) plain->socket().close(ignored);
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    open = false;
    reusable = false;
  }

  // Connects (and for https shakes hands); fills `out` on failure.
  asio::awaitable<bool> connect(const exchange_limits& limits, wire_answer& out) {
    close();
    plain.reset();
    secure.reset();
    buffer.clear();
    asio::ip::tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(where.host, std::to_string(where.port), use_tuple);
    if (rec) {
      out.failure = "network";
      out.detail = "resolve " + where.host + ": " + rec.message();
      co_return false;
    }
    if (where.tls) secure.emplace(ex, tls);
    else plain.emplace(ex);
    lowest().expires_after(limits.connect_timeout);
    auto [cec, ep] = co_await lowest().async_connect(endpoints, use_tuple);
    if (cec) {
      out.failure = classify(cec, stage::connect);
      out.detail = "connect " + where.key() + ": " + cec.message();
      co_return false;
    }
    if (secure) {
      error_code ignored;
      asio::ip::make_address(where.host, ignored);
      // SNI only for names: RFC 6066 forbids addresses in server_name.
      if (ignored && !SSL_set_tlsext_host_name(secure->native_handle(), where.host.c_str())) {
        out.failure = "tls";
        out.detail = "cannot set the TLS server name";
        co_return false;
      }
      secure->set_verify_mode(ssl::verify_peer);
      secure->set_verify_callback(ssl::host_name_verification(where.host));
      auto [hec] = co_await secure->async_handshake(ssl::stream_base::client, use_tuple);
      if (hec) {
        out.failure = classify(hec, stage::handshake);
        out.detail = "TLS handshake with " + where.key() + ": " + hec.message();
        co_return false;
      }
    }
    open = true;
    co_return true;
  }

  template <class Stream>
  asio::awaitable<bool> send_and_read(Stream& s, wire_request& req, const exchange_limits& limits,
                                      const std::function<bool(std::string_view)>* sink, wire_answer& out,
                                      bool& dead) {
    lowest().expires_after(limits.request_timeout);
    auto [wec, wn] = co_await bhttp::async_write(s, req, use_tuple);
    if (wec) {
      dead = is_dead_connection(wec);
      out.failure = classify(wec, stage::write);
      out.detail = "write: " + wec.message();
      co_return false;
    }
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(boost::none);  // counted below, for the sink and the string alike
    auto [hec, hn] = co_await bhttp::async_read_header(s, buffer, parser, use_tuple);
    if (hec) {
      dead = is_dead_connection(hec) && hn == 0;
      out.failure = classify(hec, stage::read);
      out.detail = "read: " + hec.message();
      co_return false;
    }
    const auto& head = parser.get();
    out.status = head.result_int();
    for (const auto& field : head) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      out.headers.emplace(std::move(name), std::string(field.value()));
    }
    const bool to_sink = sink && out.status >= 200 && out.status < 300;
    if (auto length = parser.content_length(); length && *length > limits.max_body) {
      out.failure = "too_large";
      out.detail = "the answer announces " + std::to_string(*length) + " bytes";
      co_return false;
    }
    std::size_t total = 0;
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      auto [rec, rn] = co_await bhttp::async_read(s, buffer, parser, use_tuple);
      if (rec == bhttp::error::need_buffer) rec = {};
      if (rec) {
        out.failure = classify(rec, stage::read);
        out.detail = "read body: " + rec.message();
        co_return false;
      }
      const std::size_t got = chunk.size() - parser.get().body().size;
      total += got;
      if (total > limits.max_body) {
        out.failure = "too_large";
        out.detail = "the answer is larger than " + std::to_string(limits.max_body) + " bytes";
        co_return false;
      }
      if (to_sink) {
        if (!(*sink)(std::string_view(chunk.data(), got))) {
          out.failure = "aborted";
          out.detail = "the receiver stopped the download";
          co_return false;
        }
      } else {
        out.body.append(chunk.data(), got);
      }
    }
    reusable = parser.get().keep_alive();
    co_return true;
  }
};

connection::connection(asio::any_io_executor ex, ssl::context& tls, origin where)
    : impl_(std::make_unique<impl>(std::move(ex), tls, std::move(where))) {}
connection::~connection() { impl_->close(); }

asio::awaitable<wire_answer> connection::exchange(wire_request& req, const exchange_limits& limits,
                                                  const std::function<bool(std::string_view)>* sink) {
  auto& d = *impl_;
  const bool reused = d.open && d.reusable;
  d.reusable = false;
  for (int round = 0;; ++round) {
    wire_answer out;
    if (!(reused && round == 0)) {
      if (!co_await d.connect(limits, out)) {
        d.close();
        co_return out;
      }
    }
    bool dead = false;
    const bool ok = d.secure ? co_await d.send_and_read(*d.secure, req, limits, sink, out, dead)
                             : co_await d.send_and_read(*d.plain, req, limits, sink, out, dead);
    if (ok) {
      if (!d.reusable) d.close();
      co_return out;
    }
    d.close();
    // The server closed an idle keep-alive connection just before or as we
    // wrote: nothing was answered, so the request goes again on a new one.
    if (!(reused && round == 0 && dead)) co_return out;
  }
}

bool connection::reusable() const noexcept { return impl_->open && impl_->reusable; }
void connection::close() noexcept { impl_->close(); }
const origin& connection::where() const noexcept { return impl_->where; }

connection_pool::connection_pool(asio::any_io_executor ex, ssl::context& tls) : ex_(std::move(ex)), tls_(tls) {}

std::unique_ptr<connection> connection_pool::acquire(const origin& where) {
  std::unique_ptr<connection> c;
  if (auto it = idle_.find(where.key()); it != idle_.end() && !it->second.empty()) {
    c = std::move(it->second.back());
    it->second.pop_back();
  } else {
    c = std::make_unique<connection>(ex_, tls_, where);
  }
  busy_.insert(c.get());
  return c;
}

void connection_pool::release(std::unique_ptr<connection> c) {
  busy_.erase(c.get());
  if (!c->reusable()) return;
  auto& list = idle_[c->where().key()];
  // A few idle connections per origin are plenty: requests of a group are paced.
  if (list.size() < 4) list.push_back(std::move(c));
}

void connection_pool::close_all() noexcept {
  for (auto* c : busy_) c->close();
  idle_.clear();
}

}  // namespace rcvault::ringcentral
