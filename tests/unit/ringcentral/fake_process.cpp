#include "fake_process.hpp"

#include "temp_dir.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rcvault::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

fake_process::fake_process(std::vector<std::string> args, transport t, std::filesystem::path tls_dir) {
  const std::string script = std::string(RCVAULT_SOURCE_DIR) + "/tests/fake_ringcentral/fake_ringcentral.py";
  std::vector<std::string> argv = {"python3", script, "--port", "0"};
  if (t == transport::https) {
    tls_ = true;
    argv.push_back("--tls");
    argv.push_back(tls_dir.string());
  }
  argv.insert(argv.end(), args.begin(), args.end());
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    ::setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    ::execvp("python3", cargv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  stdin_fd_ = in[1];
  // The first line says where it listens; read it byte by byte (nothing else comes on stdout).
  std::string line;
  char c = 0;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  if (line.rfind("listening ", 0) != 0) throw std::runtime_error("the fake did not start: " + line);
  auto rest = line.substr(10);
  auto space = rest.find(' ');
  base_ = rest.substr(0, space);
  if (space != std::string::npos && rest.substr(space + 1, 3) == "ca=") ca_ = rest.substr(space + 4);
  port_ = static_cast<std::uint16_t>(std::stoi(base_.substr(base_.rfind(':') + 1)));
}

fake_process::~fake_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
}

boost::json::value fake_process::control(std::string_view method, std::string_view path, std::string_view json_body) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  // A broken fake fails the test instead of hanging it.
  timeval tv{30, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), std::string(path), 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::connection, "close");
  if (method != "GET") req.body() = std::string(json_body);
  req.prepare_payload();
  bhttp::response<bhttp::string_body> res;
  beast::flat_buffer buffer;
  if (tls_) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca_.string());
    asio::ssl::stream<asio::ip::tcp::socket> s(std::move(socket), ctx);
    s.set_verify_mode(asio::ssl::verify_peer);
    s.handshake(asio::ssl::stream_base::client);
    bhttp::write(s, req);
    bhttp::read(s, buffer, res);
  } else {
    bhttp::write(socket, req);
    bhttp::read(socket, buffer, res);
  }
  if (res.result_int() / 100 != 2) {
    throw std::runtime_error("control " + std::string(path) + " -> " + std::to_string(res.result_int()) + " " + res.body());
  }
  return boost::json::parse(res.body());
}

std::vector<boost::json::object> fake_process::requests(std::string_view path_regex) {
  std::string path = "/_fake/requests";
  if (!path_regex.empty()) {
    path += "?path=" + boost::urls::encode(path_regex, boost::urls::unreserved_chars);
  }
  auto answer = control("GET", path);
  std::vector<boost::json::object> out;
  for (auto& r : answer.at("requests").as_array()) out.push_back(r.as_object());
  return out;
}

}  // namespace rcvault::test
