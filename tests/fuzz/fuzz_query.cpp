// libFuzzer target over the query API's handling of untrusted request
// targets: query-string splitting and decoding, every parameter's validation,
// page tokens, and the SQL each accepted request runs, against a small real
// database. Any 5xx answer, crash or sanitizer report aborts: bad input must
// always be a 4xx (or a 200 for a valid query).
#include "rcvault/core/notification.hpp"
#include "rcvault/http/query_api.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/reader_pool.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

using namespace rcvault;

core::notification sample(int i) {
  core::notification n;
  n.uuid = "fuzz-" + std::to_string(i);
  n.kind = core::event_kind::instant_message;
  n.raw = "{}";
  n.timestamp = 1'700'000'000'000 + i * 1000;
  core::message m;
  m.id = std::to_string(5000 + i);
  m.type = i % 2 ? "SMS" : "VoiceMail";
  m.direction = i % 3 ? "Inbound" : "Outbound";
  m.subject = i % 2 ? "invoice attached Grüße" : "call me back";
  m.conversation_id = std::to_string(77 + i % 3);
  m.creation_time = n.timestamp;
  m.last_modified_time = n.timestamp;
  core::party from;
  from.phone_number = "+1650555010" + std::to_string(i % 10);
  m.from = from;
  m.to = std::vector<core::party>{core::party{}};
  m.to->front().name = "Lena Kim";
  n.msg = m;
  return n;
}

// One database, one reader pool and one io_context for the whole run.
struct world {
  std::filesystem::path dir;
  store::options opts;
  std::unique_ptr<store::reader_pool> readers;
  http::metrics stats;
  std::unique_ptr<http::query_context> ctx;

  world() {
    char tmpl[] = "/tmp/rcvault-fuzz-query-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    dir = tmpl;
    opts.path = dir / "fuzz.db";
    opts.sync = store::synchronous::normal;
    if (!store::migrate(opts)) std::abort();
    {
      store::writer w(opts, [](core::event_kind, std::string_view) { return std::optional<core::message>{}; });
      w.start();
      for (int i = 0; i < 40; ++i) w.submit(sample(i), [](const store::write_result&) {});
      w.stop();
    }
    readers = std::make_unique<store::reader_pool>(opts, 1);
    ctx = std::make_unique<http::query_context>(http::query_context{*readers, stats, std::nullopt, {}, opts.path, {}, {}, {}});
  }
};

world& the_world() {
  static world w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const prefixes[] = {"/v1/messages?", "/v1/conversations?", "/v1/rejected?",
                                         "/v1/messages/", "/v1/conversations/", "/v1/events/"};
  auto& w = the_world();
  std::string target = prefixes[data[0] % 6];
  target.append(reinterpret_cast<const char*>(data + 1), size - 1);

  http::request req{boost::beast::http::verb::get, target, 11};
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(io, http::handle_query(req, *w.ctx), boost::asio::use_future);
  io.run();
  http::reply rep = fut.get();
  unsigned status = std::holds_alternative<http::response>(rep) ? std::get<http::response>(rep).result_int()
                                                                 : std::get<http::stream_response>(rep).head.result_int();
  if (status >= 500) std::abort();
  if (auto* s = std::get_if<http::stream_response>(&rep)) {
    // Drain an export so its SQL runs too.
    for (int chunks = 0; chunks < 100; ++chunks) {
      auto f = boost::asio::co_spawn(io, s->next(), boost::asio::use_future);
      io.restart();
      io.run();
      if (!f.get()) break;
    }
  }
  return 0;
}
