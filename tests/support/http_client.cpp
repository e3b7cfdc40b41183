#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <stdexcept>
#include <strings.h>

namespace rcvault::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;

std::optional<std::string> http_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return std::nullopt;
}

struct http_client::impl {
  asio::io_context io;
  asio::generic::stream_protocol::socket socket{io};
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout;
  std::string host_header;

  explicit impl(std::chrono::milliseconds t) : timeout(t) {}

  // Runs one asynchronous operation to completion or until the timeout, so a
  // server that never answers fails the test instead of hanging it.
  struct outcome {
    error_code ec;
    std::size_t bytes = 0;
    bool timed_out = false;
  };
  template <class Start>
  outcome run(Start start) {
    outcome out;
    bool done = false;
    start([&](error_code ec, std::size_t n = 0) {
      out.ec = ec;
      out.bytes = n;
      done = true;
    });
    io.restart();
    io.run_for(timeout);
    if (!done) {
      out.timed_out = true;
      error_code ignored;
      socket.cancel(ignored);
      io.restart();
      io.run();
    }
    return out;
  }

  void connect(const asio::generic::stream_protocol::endpoint& ep, const std::string& what) {
    auto r = run([&](auto h) { socket.async_connect(ep, h); });
    if (r.timed_out) throw std::runtime_error("http_client: connect timed out: " + what);
    if (r.ec) throw std::runtime_error("http_client: connect " + what + ": " + r.ec.message());
  }
};

http_client::http_client(std::uint16_t port, std::string host, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(timeout)) {
  asio::ip::tcp::endpoint ep(asio::ip::make_address(host), port);
  impl_->host_header = host + ":" + std::to_string(port);
  impl_->connect(asio::generic::stream_protocol::endpoint(ep), impl_->host_header);
}

http_client::http_client(const std::filesystem::path& unix_socket, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(timeout)) {
  asio::local::stream_protocol::endpoint ep(unix_socket.string());
  impl_->host_header = "localhost";
  impl_->connect(asio::generic::stream_protocol::endpoint(ep), unix_socket.string());
}

http_client::~http_client() = default;

void http_client::send_raw(std::string_view bytes) {
  auto r = impl_->run([&](auto h) { asio::async_write(impl_->socket, asio::buffer(bytes.data(), bytes.size()), h); });
  if (r.timed_out) throw std::runtime_error("http_client: write timed out");
  if (r.ec) throw std::runtime_error("http_client: write: " + r.ec.message());
}

std::optional<http_response> http_client::read_response() {
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(64 * 1024);
  auto r = impl_->run([&](auto h) { beast::http::async_read(impl_->socket, impl_->buffer, parser, h); });
  if (r.timed_out) throw std::runtime_error("http_client: no response within the timeout");
  if (r.ec == beast::http::error::end_of_stream || r.ec == asio::error::eof ||
      r.ec == asio::error::connection_reset) {
    if (!parser.got_some()) return std::nullopt;
  }
  if (r.ec) throw std::runtime_error("http_client: read: " + r.ec.message());
  auto msg = parser.release();
  http_response out;
  out.status = msg.result_int();
  for (const auto& f : msg) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  out.raw_bytes = r.bytes;
  out.keep_alive = msg.keep_alive();
  return out;
}

http_response http_client::request(std::string_view method, std::string_view target, std::string_view body,
                                   const header_list& headers) {
  std::string text;
  text.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  bool has_length = false;
  for (const auto& [k, v] : headers) {
    if (::strcasecmp(k.c_str(), "host") == 0) has_host = true;
    if (::strcasecmp(k.c_str(), "content-length") == 0 || ::strcasecmp(k.c_str(), "transfer-encoding") == 0) {
      has_length = true;
    }
  }
  if (!has_host) text.append("Host: ").append(impl_->host_header).append("\r\n");
  for (const auto& [k, v] : headers) text.append(k).append(": ").append(v).append("\r\n");
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT")) {
    text.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  text.append("\r\n").append(body);
  send_raw(text);
  auto res = read_response();
  if (!res) throw std::runtime_error("http_client: connection closed before a response");
  return std::move(*res);
}

http_response http_client::post_json(std::string_view target, std::string_view body, const header_list& headers) {
  header_list h;
  bool has_type = false;
  for (const auto& [k, v] : headers) has_type = has_type || ::strcasecmp(k.c_str(), "content-type") == 0;
  if (!has_type) h.emplace_back("Content-Type", "application/json");
  h.insert(h.end(), headers.begin(), headers.end());
  return request("POST", target, body, h);
}

http_response http_client::get(std::string_view target, const header_list& headers) {
  return request("GET", target, {}, headers);
}

bool http_client::wait_closed(std::chrono::milliseconds within) {
  if (impl_->buffer.size() != 0) return false;
  char byte = 0;
  auto saved = impl_->timeout;
  impl_->timeout = within;
  auto r = impl_->run([&](auto h) { impl_->socket.async_read_some(asio::buffer(&byte, 1), h); });
  impl_->timeout = saved;
  if (r.timed_out) return false;
  return r.ec == asio::error::eof || r.ec == asio::error::connection_reset;
}

bool http_client::wait_readable(std::chrono::milliseconds within) {
  if (impl_->buffer.size() != 0) return true;
  auto saved = impl_->timeout;
  impl_->timeout = within;
  auto r = impl_->run([&](auto h) {
    impl_->socket.async_wait(asio::socket_base::wait_read, [h](error_code ec) mutable { h(ec, 0); });
  });
  impl_->timeout = saved;
  return !r.timed_out;
}

}  // namespace rcvault::test
