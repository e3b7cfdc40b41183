// A real listener on 127.0.0.1:0 run on a thread of its own, driven by the
// tests' HTTP client: what only a socket shows (connection slots, socket
// options, how many writes a reply takes).
#include "http_client.hpp"
#include "query_fixture.hpp"

#include "rcvault/http/error_response.hpp"
#include "rcvault/http/query_api.hpp"
#include "rcvault/http/routes.hpp"
#include "rcvault/http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace rcvault::test {
namespace {

using namespace std::chrono_literals;

// A listener with `r` and `limits`, serving on its own io thread until destroyed.
class running_listener {
 public:
  running_listener(http::routes r, http::server_limits limits, http::listener_probe probe = {})
      : listener_(io_, http::listen_spec{"127.0.0.1", 0, {}}, std::move(r), limits) {
    listener_.set_probe(std::move(probe));
    listener_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~running_listener() {
    boost::asio::post(io_, [this] { listener_.abort(); });
    thread_.join();
  }
  running_listener(const running_listener&) = delete;
  running_listener& operator=(const running_listener&) = delete;

  std::uint16_t port() const { return listener_.port(); }

 private:
  boost::asio::io_context io_;
  http::listener listener_;
  std::thread thread_;
};

// Routes that answer every request 200, except that naming the route of
// /boom throws: a fault outside the handler's try, which ends the connection's coroutine.
http::routes throwing_routes() {
  http::routes r;
  r.early = [](const http::request&) -> std::optional<http::response> { return std::nullopt; };
  r.body_limit = [](const http::request&) -> std::uint64_t { return 1024; };
  r.handle = [](http::request&) -> boost::asio::awaitable<http::reply> { co_return http::json_response(200, "{}"); };
  r.route_name = [](const http::request& req) -> std::string {
    if (req.target() == "/boom") throw std::runtime_error("route table fault");
    return "ok";
  };
  return r;
}

TEST(Listener, ConnectionEndedByAnExceptionFreesItsSlot) {
  http::server_limits limits;
  limits.max_connections = 1;
  running_listener l(throwing_routes(), limits);
  {
    http_client first(l.port(), "127.0.0.1", 2s);
    EXPECT_ANY_THROW(first.get("/boom"));  // closed without an answer
  }
  // With the only slot still taken, this connection would wait in the backlog forever.
  http_client second(l.port(), "127.0.0.1", 3s);
  EXPECT_EQ(second.get("/ok").status, 200u);
}

TEST(Listener, AcceptedTcpSocketsHaveNoDelay) {
  std::atomic<int> no_delay{-1};
  http::listener_probe probe;
  probe.accepted = [&](int fd) {
    int value = 0;
    socklen_t size = sizeof value;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &size) == 0) no_delay = value != 0 ? 1 : 0;
  };
  running_listener l(throwing_routes(), {}, std::move(probe));
  http_client c(l.port());
  ASSERT_EQ(c.get("/ok").status, 200u);
  EXPECT_EQ(no_delay.load(), 1);
}

// A one-record export over a kept-alive connection: the head, the record and
// the last chunk leave in one write, so Nagle's algorithm has nothing to hold back.
class ExportWrites : public ::testing::TestWithParam<const char*> {};

TEST_P(ExportWrites, OneRecordExportIsOneWrite) {
  query_archive archive(1);
  std::atomic<int> writes{0};
  http::listener_probe probe;
  probe.wrote = [&](std::size_t) { ++writes; };
  running_listener l(http::query_listener_routes([&](const http::request& req) {
                       return http::handle_query(req, archive.ctx());
                     }),
                     {}, std::move(probe));
  http_client c(l.port());
  const auto first = c.get("/healthz");  // the connection is kept alive, as in the measured case
  ASSERT_EQ(first.status, 200u);
  ASSERT_EQ(writes.load(), 1);
  const auto r = c.get(std::string("/v1/messages?format=") + GetParam());
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(r.body.empty());
  EXPECT_EQ(writes.load(), 2);
}

INSTANTIATE_TEST_SUITE_P(Formats, ExportWrites, ::testing::Values("ndjson", "csv"));

TEST(Listener, LargeExportIsCompleteAcrossManyWrites) {
  query_archive archive(1200);
  std::atomic<int> writes{0};
  http::listener_probe probe;
  probe.wrote = [&](std::size_t) { ++writes; };
  running_listener l(http::query_listener_routes([&](const http::request& req) {
                       return http::handle_query(req, archive.ctx());
                     }),
                     {}, std::move(probe));
  http_client c(l.port());
  const auto r = c.get("/v1/messages?format=ndjson");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1200);
  EXPECT_GT(writes.load(), 1);
  EXPECT_TRUE(c.get("/healthz").status == 200u);  // the chunked stream ended cleanly
}

// The next 64 KiB of 'x' while `left` chunks remain. A plain coroutine, and
// the std::function built outside any coroutine body (see reader_call.hpp on GCC 12).
boost::asio::awaitable<std::optional<std::string>> next_x_chunk(const std::shared_ptr<int>& left) {
  if (*left == 0) co_return std::nullopt;
  --*left;
  co_return std::string(64 * 1024, 'x');
}

std::function<boost::asio::awaitable<std::optional<std::string>>()> x_chunks(int chunks) {
  auto left = std::make_shared<int>(chunks);
  return [left] { return next_x_chunk(left); };
}

http::response sized_head() { return http::response{boost::beast::http::status::ok, 11}; }

// Routes answering every request with a stream announcing `length` bytes
// and delivering `chunks` chunks of 64 KiB of 'x' (the attachment content's shape).
http::routes sized_stream_routes(std::uint64_t length, int chunks) {
  http::routes r;
  r.early = [](const http::request&) -> std::optional<http::response> { return std::nullopt; };
  r.body_limit = [](const http::request&) -> std::uint64_t { return 1024; };
  r.route_name = [](const http::request&) -> std::string { return "sized"; };
  r.handle = [length, chunks](http::request&) -> boost::asio::awaitable<http::reply> {
    co_return http::stream_response{sized_head(), x_chunks(chunks), length};
  };
  return r;
}

TEST(Listener, SizedStreamGoesWithContentLengthAndKeepsTheConnection) {
  running_listener l(sized_stream_routes(3 * 64 * 1024, 3), {});
  http_client c(l.port());
  const auto r = c.get("/file");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Length"), std::to_string(3 * 64 * 1024));
  EXPECT_FALSE(r.header("Transfer-Encoding").has_value());
  EXPECT_EQ(r.body.size(), 3u * 64 * 1024);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(c.get("/file").body.size(), 3u * 64 * 1024);  // the same connection serves the next one
}

TEST(Listener, SizedStreamEndingShortClosesTheConnection) {
  running_listener l(sized_stream_routes(3 * 64 * 1024, 2), {});
  http_client c(l.port(), "127.0.0.1", 5s);
  // Two thirds of the announced bytes, then the server closes at once: the
  // client sees the cut body, instead of waiting for bytes that never come.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_ANY_THROW(c.get("/file"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
}  // namespace rcvault::test
