// Webhook acknowledgement latency while retention removes old messages
// (docs/retention.md): the store writer alone, synchronous=full, 64
// notifications outstanding (as 64 connections would keep), on a database
// pre-loaded with OLD messages created 60 days ago; once with
// retention.days unset, once with 30, so that retention steps run between
// the batches for the whole run. Prints p50/p99 of submit-to-acknowledgement
// and how many messages retention removed meanwhile.
//
//   retention_bench [OLD=100000] [RUN=20000]    (database under $RCVAULT_BENCH_DIR or the temp dir)
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace rcvault;
using clock_type = std::chrono::steady_clock;

constexpr core::millis day = 86'400'000;
constexpr int window = 64;

core::millis wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::notification notification(const std::string& tag, long i, core::millis created) {
  core::message m;
  m.id = fmt::format("{}{}", tag, i);
  m.type = "SMS";
  m.direction = i % 3 ? "Inbound" : "Outbound";
  m.subject = fmt::format("order {} shipped, reply {} to confirm", i % 997, i % 13);
  m.read_status = "Unread";
  m.message_status = "Received";
  m.availability = "Alive";
  m.conversation_id = std::to_string(5'000'000 + i % 2000);
  m.owner_id = "11";
  m.creation_time = created;
  m.last_modified_time = created;
  core::party from, to;
  from.phone_number = fmt::format("+1650555{:04}", (i * 31) % 10'000);
  to.phone_number = fmt::format("+1415555{:04}", i % 10'000);
  m.from = from;
  m.to = std::vector<core::party>{to};
  core::notification n;
  n.uuid = fmt::format("{}-{}-{}", tag, ::getpid(), i);
  n.event = "/restapi/v1.0/account/~/extension/11/message-store/instant?type=SMS";
  n.kind = core::event_kind::instant_message;
  n.owner_id = "11";
  n.timestamp = created;
  n.raw = fmt::format(R"({{"uuid":"{}","body":{{"id":"{}","from":{{"phoneNumber":"{}"}},"to":[{{"phoneNumber":"{}"}}],)"
                      R"("subject":"{}","padding":"{:>700}"}}}})",
                      n.uuid, m.id, *from.phone_number, *to.phone_number, *m.subject, "");
  n.msg = std::move(m);
  return n;
}

// Submits `count` notifications from `make`, keeping `window` outstanding;
// returns each one's submit-to-acknowledgement time in microseconds.
template <class Make>
std::vector<double> drive(store::writer& w, long count, Make make) {
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  long failed = 0;
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) {
    {
      std::unique_lock lk(mu);
      cv.wait(lk, [&] { return outstanding < window; });
      ++outstanding;
    }
    const auto from = clock_type::now();
    w.submit(make(i), [&, from](const store::write_result& r) {
      const double us = std::chrono::duration<double, std::micro>(clock_type::now() - from).count();
      std::lock_guard lk(mu);
      if (r.status != store::write_status::stored) ++failed;
      lat.push_back(us);
      --outstanding;
      cv.notify_one();
    });
  }
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return outstanding == 0; });
  if (failed) throw std::runtime_error(fmt::format("{} notifications not stored", failed));
  return lat;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const long old_count = argc > 1 ? std::atol(argv[1]) : 100'000;
  const long run_count = argc > 2 ? std::atol(argv[2]) : 20'000;
  const char* base = std::getenv("RCVAULT_BENCH_DIR");
  std::string tmpl = ((base && *base) ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
                     "rcvault-retention-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path dir = tmpl;
  const auto none = [](core::event_kind, std::string_view) { return std::optional<core::message>{}; };
  const auto now = wall_now();

  store::options preload;
  preload.path = dir / "base.db";
  preload.sync = store::synchronous::normal;
  if (auto r = store::migrate(preload); !r) throw std::runtime_error(r.error().message);
  {
    store::writer w(preload, none);
    w.start();
    const auto t = clock_type::now();
    drive(w, old_count, [&](long i) { return notification("old", i, now - 60 * day + i); });
    w.stop();
    fmt::print("preloaded {} old messages in {:.1f} s\n", old_count,
               std::chrono::duration<double>(clock_type::now() - t).count());
  }
  for (const bool on : {false, true}) {
    store::options o = preload;
    o.path = dir / (on ? "on.db" : "off.db");
    std::filesystem::copy_file(preload.path, o.path);
    o.sync = store::synchronous::full;
    if (on) o.retention_days = 30;
    store::writer w(o, none);
    w.start();
    const auto t = clock_type::now();
    const auto lat = drive(w, run_count, [&](long i) { return notification(on ? "on" : "off", i, now - i); });
    const double secs = std::chrono::duration<double>(clock_type::now() - t).count();
    w.stop();
    SQLite::Database db(o.path.string(), SQLite::OPEN_READONLY);
    const auto removed =
        db.execAndGet("SELECT coalesce((SELECT value FROM counters WHERE name='retention.messages'), 0)").getInt64();
    fmt::print("retention {:3}: {:.0f} notifications/s, ack p50 {:.2f} ms, p99 {:.2f} ms; removed {} old messages\n",
               on ? "on" : "off", static_cast<double>(run_count) / secs, percentile(lat, 0.5) / 1000,
               percentile(lat, 0.99) / 1000, removed);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
