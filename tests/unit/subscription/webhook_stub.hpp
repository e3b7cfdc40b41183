#pragma once
// A stand-in for rcvault's ingest listener in the keeper's tests: on
// 127.0.0.1, port 0, its own thread; answers RingCentral's validation request
// by echoing Validation-Token (or wrongly, when told to) and 200 to anything else.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>

namespace rcvault::test {

class webhook_stub {
 public:
  enum class mode { echo, status_503, no_echo };

  webhook_stub() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~webhook_stub() {
    io_.stop();
    thread_.join();
  }
  webhook_stub(const webhook_stub&) = delete;
  webhook_stub& operator=(const webhook_stub&) = delete;

  // "http://127.0.0.1:PORT/webhook"
  std::string address() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/webhook"; }
  void answer(mode m) { mode_ = m; }
  unsigned validations() const { return validations_; }

 private:
  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
      boost::asio::co_spawn(io_, serve(std::move(socket)), boost::asio::detached);
    }
  }

  static std::string header(const std::string& head, std::string name) {
    std::string lower;
    for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) return {};
    auto start = at + name.size() + 3;
    while (start < head.size() && head[start] == ' ') ++start;
    return head.substr(start, head.find("\r\n", start) - start);
  }

  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket s) {
    try {
      boost::asio::streambuf buf;
      const auto n = co_await boost::asio::async_read_until(s, buf, "\r\n\r\n", boost::asio::use_awaitable);
      const std::string head(boost::asio::buffers_begin(buf.data()), boost::asio::buffers_begin(buf.data()) + n);
      const auto length = header(head, "Content-Length");
      const std::size_t body = length.empty() ? 0 : std::stoul(length);
      if (buf.size() - n < body)
        co_await boost::asio::async_read(s, buf, boost::asio::transfer_exactly(body - (buf.size() - n)),
                                         boost::asio::use_awaitable);
      const auto token = header(head, "Validation-Token");
      std::string reply;
      if (!token.empty()) {
        ++validations_;
        if (mode_ == mode::status_503) reply = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n";
        else if (mode_ == mode::no_echo) reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n";
        else reply = "HTTP/1.1 200 OK\r\nValidation-Token: " + token + "\r\nContent-Length: 0\r\n";
      } else {
        reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n";
      }
      reply += "Connection: close\r\n\r\n";
      co_await boost::asio::async_write(s, boost::asio::buffer(reply), boost::asio::use_awaitable);
    } catch (const std::exception&) {
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<mode> mode_{mode::echo};
  std::atomic<unsigned> validations_{0};
};

}  // namespace rcvault::test
