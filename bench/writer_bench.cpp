// The store writer alone (no HTTP, no parsing): notifications/s committed with
// synchronous=full, by batch size (store.batch_max). Each iteration submits a
// burst of distinct, realistic instant-message notifications (1-3 recipients,
// an attachment, a subject, a ~1 KB raw envelope) and waits until every one is
// acknowledged, i.e. committed. The database lives under $RCVAULT_BENCH_DIR
// (default: the system temp dir); put it on the disk you want to measure.
#include "rcvault/core/time.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace rcvault;

constexpr core::millis start_time = 1'704'067'200'000;
constexpr const char* words[] = {"hello", "meeting", "moved", "invoice", "attached", "running", "late",
                                 "order",  "shipped", "confirm", "appointment", "reminder", "code", "ready"};

std::uint64_t next_index = 0;

core::party number(std::uint64_t k, bool with_location) {
  core::party p;
  p.phone_number = fmt::format("+1650555{:04}", k % 10'000);
  p.name = fmt::format("Customer {}", k % 977);
  if (with_location) p.location = "San Mateo, CA";
  return p;
}

core::notification make(std::uint64_t i) {
  const core::millis t = start_time + static_cast<core::millis>(i) * 1000;
  core::message m;
  m.id = std::to_string(3'000'000'000'000ULL + i);
  m.owner_id = "62989300" + std::to_string(i % 10);
  m.type = "SMS";
  m.direction = i % 3 ? "Inbound" : "Outbound";
  std::string subject;
  for (std::uint64_t w = 0; w < 4 + i % 9; ++w) subject += (w ? " " : "") + std::string(words[(i * 7 + w * 3) % 14]);
  m.subject = subject;
  m.read_status = "Unread";
  m.message_status = "Received";
  m.priority = "Normal";
  m.availability = "Alive";
  m.conversation_id = std::to_string(5'000'000'000ULL + i % 2000);
  m.creation_time = t;
  m.last_modified_time = t;
  m.from = number(i * 31, true);
  m.to = std::vector<core::party>{number(i, false)};
  for (std::uint64_t r = 1; r < 1 + i % 3; ++r) m.to->push_back(number(i + r * 17, false));
  core::attachment a;
  a.id = m.id;
  a.uri = "https://platform.ringcentral.com/restapi/v1.0/account/1/extension/1/message-store/" + m.id + "/content/" + m.id;
  a.type = "Text";
  a.content_type = "text/plain";
  m.attachments = std::vector<core::attachment>{a};
  m.extra["eventType"] = "Create";
  m.extra["conversation"] = boost::json::object{{"id", *m.conversation_id}};

  core::notification n;
  n.uuid = fmt::format("bench-{}-{}", ::getpid(), i);
  n.event = "/restapi/v1.0/account/809646000/extension/" + *m.owner_id + "/message-store/instant?type=SMS";
  n.kind = core::event_kind::instant_message;
  n.subscription_id = "7e4a7486-8df9-4195-8aef-b8d81d3345f6";
  n.owner_id = m.owner_id;
  n.timestamp = t + 250;
  n.raw = fmt::format(
      R"({{"uuid":"{}","event":"{}","timestamp":"{}","subscriptionId":"{}","ownerId":"{}","body":{{"id":"{}",)"
      R"("to":[{{"phoneNumber":"{}","name":"{}"}}],"from":{{"phoneNumber":"{}","name":"{}","location":"San Mateo, CA"}},)"
      R"("type":"SMS","creationTime":"{}","lastModifiedTime":"{}","readStatus":"Unread","priority":"Normal",)"
      R"("attachments":[{{"id":"{}","uri":"{}","type":"Text","contentType":"text/plain"}}],"direction":"{}",)"
      R"("availability":"Alive","subject":"{}","messageStatus":"Received","conversation":{{"id":"{}"}},)"
      R"("eventType":"Create","owner":{{"extensionId":"{}"}}}}}})",
      n.uuid, n.event, core::format_iso8601(t + 250), *n.subscription_id, *n.owner_id, m.id, *(*m.to)[0].phone_number,
      *(*m.to)[0].name, *m.from->phone_number, *m.from->name, core::format_iso8601(t), core::format_iso8601(t), a.id,
      *a.uri, *m.direction, subject, *m.conversation_id, *m.owner_id);
  n.msg = std::move(m);
  return n;
}

std::filesystem::path make_temp_dir() {
  const char* base = std::getenv("RCVAULT_BENCH_DIR");
  std::string tmpl =
      ((base && *base) ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) / "rcvault-writer-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
  return tmpl;
}

void BM_WriterGroupCommit(benchmark::State& state) {
  const auto batch_max = static_cast<std::size_t>(state.range(0));
  const auto burst = static_cast<std::size_t>(state.range(1));
  const auto dir = make_temp_dir();
  store::options opts;
  opts.path = dir / "bench.db";
  opts.sync = store::synchronous::full;
  opts.batch_max = batch_max;
  opts.queue_max = burst;
  if (auto r = store::migrate(opts); !r) throw std::runtime_error(r.error().message);
  {
    store::writer w(opts, [](core::event_kind, std::string_view) { return std::optional<core::message>{}; });
    w.start();
    std::vector<core::notification> work;
    for (auto _ : state) {
      state.PauseTiming();
      work.clear();
      for (std::size_t i = 0; i < burst; ++i) work.push_back(make(next_index++));
      auto all_done = std::make_shared<std::promise<void>>();
      auto left = std::make_shared<std::atomic<std::size_t>>(burst);
      auto failed = std::make_shared<std::atomic<std::size_t>>(0);
      state.ResumeTiming();
      for (auto& n : work)
        w.submit(std::move(n), [all_done, left, failed](const store::write_result& r) {
          if (r.status != store::write_status::stored) ++*failed;
          if (--*left == 0) all_done->set_value();
        });
      all_done->get_future().wait();
      if (*failed) state.SkipWithError("a notification was not stored");
    }
    const auto stats = w.snapshot();
    state.counters["batches"] = static_cast<double>(stats.batches);
    w.stop();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(burst));
  state.counters["db_bytes_per_notification"] =
      static_cast<double>(std::filesystem::file_size(opts.path)) / static_cast<double>(state.iterations() * burst);
  std::filesystem::remove_all(dir);
}

// {batch_max, notifications per burst}: batch 1 is one fsync per notification.
BENCHMARK(BM_WriterGroupCommit)
    ->ArgNames({"batch_max", "burst"})
    ->Args({1, 200})
    ->Args({8, 2000})
    ->Args({64, 4000})
    ->Args({512, 4000})
    ->Args({2048, 4000})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
