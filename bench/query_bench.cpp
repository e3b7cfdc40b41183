// The query benchmark: latency of each kind of query the API serves, on an
// archive of 1,000,000 generated messages (tests/support/dataset.hpp: one busy
// company number in 1 of 33 messages, 20,000 customers, conversations, a common
// and a rare word), through the real `rcvault serve` binary over one keep-alive
// HTTP connection, warm.
//
//   query_bench --rcvault PATH [--dir DIR] [--db FILE] [--messages N]
//               [--reps N] [--warmup N] [--runs N] [--only KIND,...]
//
// The database is generated once through store::writer and cached as
// DIR/query-<N>-v2.db (DIR: --dir, else $RCVAULT_BENCH_DIR, else the system
// temp dir); a cached file is reused when /v1/stats-style counters say it holds
// all N messages. Each kind runs `warmup` unmeasured requests, then `reps`
// measured ones (fewer, at least 20, when the warm-up shows that `reps` would
// take more than 10 s), with parameters varying from request to request where
// that makes sense. One line per kind and run (n: the measured requests):
//
//   QUERY run=1 kind=busy_latest n=200 p50_ms=.. p99_ms=.. max_ms=.. records_min=.. records_max=..
//
// and after the last run one MEDIAN line per kind (median over runs of p50 and
// p99, largest max). Latency is from writing the request to reading the last
// byte of the response. The database file is read once before the server
// starts, so that it is in the kernel's page cache.
#include "dataset.hpp"

#include "rcvault/core/time.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/reader.hpp"
#include "rcvault/store/writer.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace rcvault;
using clock_type = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "query_bench: error: %s\n", why.c_str());
  std::exit(1);
}

// ---- the database ----------------------------------------------------------

std::int64_t stored_messages(const fs::path& db) {
  try {
    store::options opts;
    opts.path = db;
    store::reader r(opts);
    const auto st = r.stats();
    const auto it = st.counters.find("messages.total");
    return it == st.counters.end() ? 0 : it->second;
  } catch (const std::exception&) {
    return -1;
  }
}

void remove_db(const fs::path& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

// Writes messages [0, count) through the store writer in large group commits
// into a temp name, renamed once complete, so a killed run leaves no file that
// looks finished.
void generate(const fs::path& db, std::size_t count) {
  const fs::path tmp = db.string() + ".partial";
  remove_db(tmp);
  store::options opts;
  opts.path = tmp;
  opts.sync = store::synchronous::normal;
  opts.batch_max = 4096;
  opts.queue_max = 65536;
  if (auto r = store::migrate(opts); !r) fail("migrate: " + r.error().message);

  const test::dataset_options ds;
  const auto t0 = clock_type::now();
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t in_flight = 0;
  std::atomic<std::size_t> failed{0};
  {
    // Every message is new and arrives in order, so no version is ever re-folded.
    store::writer w(opts, [](core::event_kind, std::string_view) { return std::optional<core::message>{}; });
    w.start();
    constexpr std::size_t window = 32768;
    for (std::size_t i = 0; i < count; ++i) {
      {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return in_flight < window; });
        ++in_flight;
      }
      w.submit(test::make_notification(ds, i), [&](const store::write_result& r) {
        if (r.status != store::write_status::stored) ++failed;
        std::lock_guard lock(mutex);
        --in_flight;
        cv.notify_all();
      });
      if ((i + 1) % 100'000 == 0)
        std::fprintf(stderr, "query_bench: generated %zu of %zu messages (%.0f s)\n", i + 1, count,
                     std::chrono::duration<double>(clock_type::now() - t0).count());
    }
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return in_flight == 0; });
    }
    w.stop();
  }
  if (failed) fail(fmt::format("{} notifications were not stored", failed.load()));
  if (stored_messages(tmp) != static_cast<std::int64_t>(count)) fail("generated database is incomplete");
  remove_db(db);
  fs::rename(tmp, db);
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(tmp.string() + suffix);
  std::fprintf(stderr, "query_bench: database of %zu messages written in %.0f s, %ju MiB\n", count,
               std::chrono::duration<double>(clock_type::now() - t0).count(),
               static_cast<std::uintmax_t>(fs::file_size(db) / 1048576));
}

// ---- the server ------------------------------------------------------------

class server {
 public:
  server(const fs::path& binary, const fs::path& db) {
    int fds[2];
    if (::pipe(fds) != 0) fail("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<std::string> args{binary.string(), "serve", "--db", db.string(), "--ingest-listen", "127.0.0.1:0",
                                  "--query-listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // The server reads every RCVAULT_* variable as configuration and refuses
    // unknown ones (RCVAULT_BENCH_DIR among them): it runs on defaults here.
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e)
      if (std::string_view(*e).substr(0, 8) != "RCVAULT_") env.push_back(*e);
    env.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) fail("cannot start " + binary.string() + ": " + std::strerror(rc));
    err_ = fds[0];

    // Read stderr until the listening line; migrations of a cached database
    // (a new index, say) may take a while.
    std::string buffer;
    const auto deadline = clock_type::now() + std::chrono::minutes(10);
    for (;;) {
      const auto nl = buffer.find('\n');
      if (nl != std::string::npos) {
        const std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        log_ += line + "\n";
        const auto at = line.find("query=");
        if (line.find("listening ingest=") != std::string::npos && at != std::string::npos) {
          const std::string addr = line.substr(at + 6, line.find(' ', at) - at - 6);
          port_ = static_cast<std::uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
          break;
        }
        continue;
      }
      char chunk[4096];
      const auto n = ::read(err_, chunk, sizeof chunk);
      if (n <= 0 || clock_type::now() > deadline) {
        std::fputs(log_.c_str(), stderr);
        fail("rcvault serve did not start");
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    // Keep draining stderr so the server never blocks on a full pipe.
    drain_ = std::thread([fd = err_] {
      char chunk[4096];
      while (::read(fd, chunk, sizeof chunk) > 0) {
      }
    });
  }
  ~server() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    if (drain_.joinable()) drain_.join();
    ::close(err_);
  }
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = 0;
  int err_ = -1;
  std::uint16_t port_ = 0;
  std::string log_;
  std::thread drain_;
};

// ---- a minimal keep-alive HTTP/1.1 client ----------------------------------

struct response {
  unsigned status = 0;
  std::string body;
};

class client {
 public:
  explicit client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) fail("socket");
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("connect to the query listener");
  }
  ~client() { ::close(fd_); }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Sends GET `target` and reads the whole response (Content-Length bodies only).
  response get(const std::string& target) {
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (std::size_t off = 0; off < req.size();) {
      const auto n = ::send(fd_, req.data() + off, req.size() - off, MSG_NOSIGNAL);
      if (n <= 0) fail("send: " + std::string(std::strerror(errno)));
      off += static_cast<std::size_t>(n);
    }
    std::size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) fill();
    const std::string head = buf_.substr(0, head_end);
    response r;
    r.status = static_cast<unsigned>(std::stoul(head.substr(head.find(' ') + 1, 3)));
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto cl = lower.find("\r\ncontent-length:");
    if (cl == std::string::npos) fail("response to " + target + " has no Content-Length");
    const std::size_t length = std::stoul(head.substr(cl + 17));
    while (buf_.size() < head_end + 4 + length) fill();
    r.body = buf_.substr(head_end + 4, length);
    buf_.erase(0, head_end + 4 + length);
    return r;
  }

 private:
  void fill() {
    char chunk[65536];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) fail("the server closed the connection");
    buf_.append(chunk, static_cast<std::size_t>(n));
  }
  int fd_ = -1;
  std::string buf_;
};

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

// ---- the query kinds -------------------------------------------------------

struct page {
  std::size_t records = 0;
  std::optional<std::string> next;
};

page read_page(const response& r, const std::string& target) {
  if (r.status != 200) fail(fmt::format("GET {} answered {}: {}", target, r.status, r.body.substr(0, 300)));
  page p;
  const auto v = boost::json::parse(r.body);
  const auto& o = v.as_object();
  if (const auto* recs = o.if_contains("records")) p.records = recs->as_array().size();
  else p.records = 1;
  if (const auto* paging = o.if_contains("paging"))
    if (const auto* next = paging->as_object().if_contains("nextPageToken")) p.next = std::string(next->as_string());
  return p;
}

// A kind yields the target of its i-th request (after any unmeasured setup it needs).
struct kind {
  std::string name;
  std::function<std::string(std::size_t)> target;
};

std::string iso(core::millis t) { return url_encode(core::format_iso8601(t)); }

std::vector<kind> make_kinds(client& c, std::size_t count) {
  const test::dataset_options ds;
  const core::millis first = ds.start;
  const core::millis span = static_cast<core::millis>(count) * ds.step;
  constexpr core::millis day = 86'400'000;

  // Customers of messages spread over the archive: a rare number each (~50 messages).
  std::vector<std::string> rare_numbers;
  std::vector<std::string> conversations;
  for (std::size_t k = 0; k < 16; ++k) {
    std::size_t i = (count / 16) * k + 1;
    if (i % ds.busy_every == 0) ++i;
    const auto n = test::make_notification(ds, i);
    const auto& m = *n.msg;
    const auto& party = *m.direction == "Inbound" ? *m.from : (*m.to)[0];
    if (party.phone_number) rare_numbers.push_back(*party.phone_number);
    if (m.conversation_id) conversations.push_back(*m.conversation_id);
  }
  if (rare_numbers.empty() || conversations.empty()) fail("no customer numbers or conversations in the archive");
  // Inputs in the styles users type: E.164, 11 digits, (NPA) NXX-XXXX.
  auto number_input = [&](const std::string& e164, std::size_t i) {
    const std::string digits = e164.substr(1);
    switch (i % 3) {
      case 0: return e164;
      case 1: return digits;
      default: return fmt::format("({}) {}-{}", digits.substr(1, 3), digits.substr(4, 3), digits.substr(7));
    }
  };
  // Date windows of 1, 7, 30 and 90 days at offsets spread over the archive.
  auto window = [=](std::size_t i) {
    static constexpr core::millis lengths[] = {1 * day, 7 * day, 30 * day, 90 * day};
    const core::millis len = lengths[i % 4];
    const core::millis room = std::max<core::millis>(span - len, 1);
    const core::millis from = first + static_cast<core::millis>((i * 7919 * day) % static_cast<std::uint64_t>(room));
    return "&dateFrom=" + iso(from) + "&dateTo=" + iso(from + len);
  };
  const std::string busy = url_encode(test::busy_number);

  // Second pages: the token of page 1 of a few listings, fetched once here.
  std::vector<std::string> second_pages;
  for (const std::string& base : {"/v1/messages?phoneNumber=" + busy, std::string("/v1/messages?q=invoice"),
                                 std::string("/v1/messages")}) {
    const auto p = read_page(c.get(base), base);
    if (!p.next) fail("no second page for " + base);
    second_pages.push_back(base + (base.find('?') == std::string::npos ? "?" : "&") + "pageToken=" + *p.next);
  }
  std::string status_rare_page2;
  {
    const std::string base = "/v1/messages?messageStatus=DeliveryFailed";
    const auto p = read_page(c.get(base), base);
    if (!p.next) fail("no second page for " + base);
    status_rare_page2 = base + "&pageToken=" + *p.next;
  }
  std::string conv_token;
  {
    const auto p = read_page(c.get("/v1/conversations"), "/v1/conversations");
    if (!p.next) fail("no second page of conversations");
    conv_token = *p.next;
  }
  // Deep pages of the conversation list: the tokens at half, 60%, ... 90% of
  // the way through it, where conversations whose newest message is old are
  // few among messages of conversations already listed.
  std::vector<std::string> deep_tokens;
  {
    std::vector<std::string> tokens;
    std::optional<std::string> next;
    do {
      const std::string t = "/v1/conversations?perPage=1000" + (next ? "&pageToken=" + *next : std::string());
      next = read_page(c.get(t), t).next;
      if (next) tokens.push_back(*next);
    } while (next);
    for (double f : {0.5, 0.6, 0.7, 0.8, 0.9})
      if (!tokens.empty()) deep_tokens.push_back(tokens[static_cast<std::size_t>(f * static_cast<double>(tokens.size()))]);
    if (deep_tokens.empty()) fail("the conversation list has a single page");
  }

  std::vector<kind> kinds;
  // The kinds.
  kinds.push_back({"rare_latest", [=](std::size_t i) {
                     return "/v1/messages?phoneNumber=" + url_encode(number_input(rare_numbers[i % rare_numbers.size()], i));
                   }});
  kinds.push_back({"busy_latest", [=](std::size_t) { return "/v1/messages?phoneNumber=" + busy; }});
  kinds.push_back({"rare_range", [=](std::size_t i) {
                     return "/v1/messages?phoneNumber=" + url_encode(rare_numbers[i % rare_numbers.size()]) +
                            window(i);
                   }});
  kinds.push_back({"busy_range", [=](std::size_t i) { return "/v1/messages?phoneNumber=" + busy + window(i); }});
  kinds.push_back({"conversation", [=](std::size_t i) {
                     return "/v1/conversations/" + conversations[i % conversations.size()] + "/messages";
                   }});
  kinds.push_back({"fts_rare", [](std::size_t) { return std::string("/v1/messages?q=zeppelin"); }});
  kinds.push_back({"fts_common", [](std::size_t) { return std::string("/v1/messages?q=invoice"); }});
  kinds.push_back({"page2", [=](std::size_t i) { return second_pages[i % second_pages.size()]; }});
  kinds.push_back({"stats", [](std::size_t) { return std::string("/v1/stats"); }});
  // Extras: the conversation list, enum filters alone, text within a date range.
  kinds.push_back({"conversations", [](std::size_t) { return std::string("/v1/conversations"); }});
  kinds.push_back({"conversations_page2", [=](std::size_t) { return "/v1/conversations?pageToken=" + conv_token; }});
  kinds.push_back({"conversations_deep", [=](std::size_t i) {
                     return "/v1/conversations?pageToken=" + deep_tokens[i % deep_tokens.size()];
                   }});
  kinds.push_back({"type_fax", [](std::size_t) { return std::string("/v1/messages?messageType=Fax"); }});
  kinds.push_back({"fax_unread_deleted", [](std::size_t) {
                     return std::string("/v1/messages?messageType=Fax&readStatus=Unread&availability=Deleted");
                   }});
  kinds.push_back({"status_none", [](std::size_t) { return std::string("/v1/messages?messageStatus=SendingFailed"); }});
  // Rare values that messages do have (2 % and 4 % of rows), and a
  // combination of two common-ish ones (1 %).
  kinds.push_back({"status_rare", [](std::size_t) { return std::string("/v1/messages?messageStatus=DeliveryFailed"); }});
  kinds.push_back({"status_rare_page2", [=](std::size_t) { return status_rare_page2; }});
  kinds.push_back({"deleted", [](std::size_t) { return std::string("/v1/messages?availability=Deleted"); }});
  kinds.push_back({"fax_unread", [](std::size_t) { return std::string("/v1/messages?messageType=Fax&readStatus=Unread"); }});
  kinds.push_back({"type_none", [](std::size_t) { return std::string("/v1/messages?messageType=Text"); }});
  kinds.push_back({"fts_common_range", [=](std::size_t i) { return "/v1/messages?q=invoice" + window(i); }});
  kinds.push_back({"fts_unicode", [](std::size_t) { return "/v1/messages?q=" + url_encode("grüße"); }});
  // Two selective filters together: a number and a word.
  kinds.push_back({"busy_fts_rare", [=](std::size_t) { return "/v1/messages?phoneNumber=" + busy + "&q=zeppelin"; }});
  kinds.push_back({"busy_fts_common", [=](std::size_t) { return "/v1/messages?phoneNumber=" + busy + "&q=invoice"; }});
  kinds.push_back({"rare_fts_common", [=](std::size_t i) {
                     return "/v1/messages?phoneNumber=" + url_encode(rare_numbers[i % rare_numbers.size()]) + "&q=invoice";
                   }});
  return kinds;
}

// ---- measuring -------------------------------------------------------------

struct result {
  std::size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;
  std::size_t records_min = 0, records_max = 0;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// A kind slower than this per request gets fewer measured requests (at least
// min_reps), so a run stays within minutes; the line says how many.
constexpr double budget_ms = 10'000;
constexpr std::size_t min_reps = 20;

result measure(client& c, const kind& k, std::size_t warmup, std::size_t reps) {
  const auto w0 = clock_type::now();
  std::size_t warmed = 0;
  auto elapsed_ms = [&] { return std::chrono::duration<double, std::milli>(clock_type::now() - w0).count(); };
  while (warmed < warmup && (warmed == 0 || elapsed_ms() < budget_ms / 5)) {
    const auto t = k.target(warmed++);
    read_page(c.get(t), t);
  }
  if (warmed > 0) {
    const double each = elapsed_ms() / double(warmed);
    if (each * double(reps) > budget_ms)
      reps = std::min(reps, std::max(min_reps, static_cast<std::size_t>(budget_ms / each)));
  }
  std::vector<double> ms;
  result r;
  r.records_min = SIZE_MAX;
  for (std::size_t i = 0; i < reps; ++i) {
    const auto t = k.target(warmed + i);
    const auto t0 = clock_type::now();
    const auto resp = c.get(t);
    const auto t1 = clock_type::now();
    const auto p = read_page(resp, t);
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    r.records_min = std::min(r.records_min, p.records);
    r.records_max = std::max(r.records_max, p.records);
  }
  r.n = reps;
  r.p50 = percentile(ms, 0.50);
  r.p99 = percentile(ms, 0.99);
  r.max = *std::max_element(ms.begin(), ms.end());
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

// Reads the database file (and its WAL, if any) once, so that the archive is
// in the kernel's page cache before anything is measured: "warm" means no
// request waits for the disk. A freshly generated 5,000,000-message file was
// not (buff/cache held 2 of its 4.7 GB), and the first request of each date
// window took up to 23 ms where the same request warm takes 3.
void warm_page_cache(const fs::path& db) {
  const auto from = std::chrono::steady_clock::now();
  std::uintmax_t bytes = 0;
  std::vector<char> buf(1 << 20);
  for (const auto& f : {db, fs::path(db.string() + "-wal")}) {
    std::FILE* in = std::fopen(f.c_str(), "rb");
    if (!in) continue;
    while (const auto n = std::fread(buf.data(), 1, buf.size(), in)) bytes += n;
    std::fclose(in);
  }
  std::fprintf(stderr, "query_bench: read %ju MiB into the page cache in %.1f s\n", bytes >> 20,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count());
}

int main(int argc, char** argv) {
  fs::path binary;
  std::optional<fs::path> dir;
  std::optional<fs::path> db;
  std::size_t count = 1'000'000;
  std::size_t reps = 200;
  std::size_t warmup = 20;
  std::size_t runs = 1;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(a + " needs a value");
      return argv[++i];
    };
    if (a == "--rcvault") binary = value();
    else if (a == "--dir") dir = value();
    else if (a == "--db") db = value();
    else if (a == "--messages") count = std::stoul(value());
    else if (a == "--reps") reps = std::stoul(value());
    else if (a == "--warmup") warmup = std::stoul(value());
    else if (a == "--runs") runs = std::stoul(value());
    else if (a == "--only") only = "," + value() + ",";
    else fail("unknown argument " + a + " (see the comment at the top of bench/query_bench.cpp)");
  }
  if (binary.empty()) fail("--rcvault PATH (the release rcvault binary) is required");
  if (count < 10'000 || reps == 0 || runs == 0) fail("--messages must be at least 10000; --reps and --runs at least 1");

  if (!db) {
    if (!dir) {
      const char* env = std::getenv("RCVAULT_BENCH_DIR");
      dir = (env && *env) ? fs::path(env) : fs::temp_directory_path();
    }
    fs::create_directories(*dir);
    // The suffix is the schema version the archive was written under: a cache
    // from an older layout is not reused (the daemon would migrate it, which
    // gives an upgraded archive's layout, not a new one's).
    db = *dir / fmt::format("query-{}-v2.db", count);
  }
  if (stored_messages(*db) == static_cast<std::int64_t>(count)) {
    std::fprintf(stderr, "query_bench: reusing %s\n", db->c_str());
  } else {
    std::fprintf(stderr, "query_bench: generating %zu messages into %s\n", count, db->c_str());
    generate(*db, count);
  }

  warm_page_cache(*db);
  server srv(binary, *db);
  client c(srv.port());
  auto kinds = make_kinds(c, count);
  std::map<std::string, std::vector<result>> all;
  for (std::size_t run = 1; run <= runs; ++run) {
    for (const auto& k : kinds) {
      if (!only.empty() && only.find("," + k.name + ",") == std::string::npos) continue;
      const auto r = measure(c, k, warmup, reps);
      all[k.name].push_back(r);
      std::printf("QUERY run=%zu kind=%s n=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f records_min=%zu records_max=%zu\n",
                  run, k.name.c_str(), r.n, r.p50, r.p99, r.max, r.records_min, r.records_max);
      std::fflush(stdout);
    }
  }
  for (const auto& k : kinds) {
    const auto it = all.find(k.name);
    if (it == all.end()) continue;
    std::vector<double> p50, p99;
    double mx = 0;
    for (const auto& r : it->second) {
      p50.push_back(r.p50);
      p99.push_back(r.p99);
      mx = std::max(mx, r.max);
    }
    std::printf("QUERY MEDIAN kind=%s runs=%zu n=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f records_max=%zu\n",
                k.name.c_str(), it->second.size(), it->second.back().n, median(p50), median(p99), mx, it->second.back().records_max);
  }
  return 0;
}
