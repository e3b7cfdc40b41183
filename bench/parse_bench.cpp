// Google Benchmark of ingest::parse_envelope (parse + classify + normalise) on
// notifications shaped like ../shared/bench/post_events.lua sends: instant SMS,
// ~1.1 KB, 1-3 recipients, 1-3 attachments, 4-12 word subjects, unique ids.
//
// Reproduce (release flags, one core):
//   cmake -S . -B build/h-ingest-rel -DCMAKE_BUILD_TYPE=Release -DRCVAULT_BENCH=ON -DBUILD_TESTING=OFF
//   cmake --build build/h-ingest-rel --target parse_bench
//   taskset -c 0 build/h-ingest-rel/bench/parse_bench
// items_per_second is notifications per second.
#include "rcvault/ingest/parse.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr std::array<const char*, 56> words{
    "hello",   "are",      "we",      "still",       "on",       "for",     "3pm",     "please",
    "call",    "me",       "back",    "when",        "you",      "can",     "thanks",  "meeting",
    "moved",   "to",       "tomorrow", "the",        "invoice",  "is",      "attached", "running",
    "late",    "see",      "you",     "soon",        "order",    "shipped", "delivery", "window",
    "confirm", "appointment", "reminder", "your",    "code",     "is",      "ready",   "pickup",
    "at",      "front",    "desk",    "ok",          "sounds",   "good",    "will",    "do",
    "lunch",   "contract", "signed",  "review",      "draft",    "before",  "friday",  "urgent"};
constexpr std::array<const char*, 10> first_names{"John", "Jane", "Alex", "Maria", "Wei",
                                                  "Priya", "Omar", "Lena", "Sam", "Ana"};
constexpr std::array<const char*, 10> last_names{"Doe", "Smith", "Garcia", "Chen", "Patel",
                                                 "Khan", "Novak", "Rossi", "Kim", "Silva"};
constexpr std::array<const char*, 5> locations{"San Mateo, CA", "Denver, CO", "Austin, TX", "Boston, MA",
                                               "Seattle, WA"};

class generator {
 public:
  explicit generator(unsigned seed) : rng_(seed) {}

  std::string notification(int n) {
    const int company = uniform(0, 99);
    const std::string owner = std::to_string(823476228700LL + company);
    const bool inbound = chance(0.7);
    const int recipients = pick_count();
    const int attachments = pick_count();
    const std::string id = std::to_string(3062991514017LL + n);
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "5f3c2a10-%04x-4%03x-%04x-%012x", n % 65536, uniform(0, 4095),
                  0x8000 + uniform(0, 0x3fff), n);

    std::string to;
    std::string from;
    if (inbound) {
      from = party(external_number(), false);
      to = party(company_number(company), true);
      for (int i = 1; i < recipients; ++i) {
        to += ',';
        to += party(company_number(uniform(0, 99)), true);
      }
    } else {
      from = party(company_number(company), false);
      for (int i = 0; i < recipients; ++i) {
        if (i) to += ',';
        to += party(external_number(), true);
      }
    }
    const std::string base_uri = "https://platform.ringcentral.com/restapi/v1.0/account/1/extension/1/message-store/";
    std::string att = R"({"id":")" + id + R"(","uri":")" + base_uri + id + "/content/" + id +
                      R"(","type":"Text","contentType":"text/plain"})";
    for (int i = 2; i <= attachments; ++i)
      att += R"(,{"id":")" + id + std::to_string(i) + R"(","uri":")" + base_uri + id + "/content/" + id +
             std::to_string(i) + R"(","type":"MmsAttachment","contentType":"image/jpeg"})";

    return R"({"uuid":")" + std::string(uuid) + R"(","event":"/restapi/v1.0/account/~/extension/)" + owner +
           R"(/message-store/instant?type=SMS","subscriptionId":"dc853541-66ac-45d8-a289-1a239fd72888","ownerId":")" +
           owner + R"(","timestamp":"2025-07-30T18:12:45.034Z","body":{"id":")" + id + R"(","to":[)" + to +
           R"(],"from":)" + from +
           R"(,"type":"SMS","creationTime":"2025-07-30T18:12:25.000Z","lastModifiedTime":"2025-07-30T18:12:25.000Z",)"
           R"("readStatus":"Unread","priority":"Normal","attachments":[)" +
           att + R"(],"direction":")" + (inbound ? "Inbound" : "Outbound") +
           R"(","availability":"Alive","subject":")" + subject() +
           R"(","messageStatus":"Received","conversationId":")" + std::to_string(1234567890 + uniform(0, 99999)) +
           "\"}}";
  }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int pick_count() {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    return r > 0.95 ? 3 : r > 0.80 ? 2 : 1;
  }
  template <class A>
  const char* pick(const A& a) {
    return a[static_cast<std::size_t>(uniform(0, static_cast<int>(a.size()) - 1))];
  }
  std::string external_number() {
    char b[16];
    std::snprintf(b, sizeof b, "+1650555%04d", uniform(0, 9999));
    return b;
  }
  std::string company_number(int k) {
    char b[16];
    std::snprintf(b, sizeof b, "+18664320%03d", k);
    return b;
  }
  std::string party(const std::string& number, bool with_location) {
    std::string s = R"({"phoneNumber":")" + number + R"(","name":")" + pick(first_names) + " " + pick(last_names) + "\"";
    if (with_location) s += R"(,"location":")" + std::string(pick(locations)) + "\"";
    return s + "}";
  }
  std::string subject() {
    std::string s;
    for (int i = 0, n = uniform(4, 12); i < n; ++i) {
      if (i) s += ' ';
      s += pick(words);
    }
    return s;
  }

  std::mt19937 rng_;
};

const std::vector<std::string>& payloads() {
  static const std::vector<std::string> all = [] {
    generator g(20250730);
    std::vector<std::string> v;
    for (int i = 0; i < 1024; ++i) v.push_back(g.notification(i));
    return v;
  }();
  return all;
}

void parse_and_normalise(benchmark::State& state) {
  const auto& p = payloads();
  std::size_t i = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& raw = p[i++ % p.size()];
    auto n = rcvault::ingest::parse_envelope(raw);
    if (!n || !n->msg) {
      state.SkipWithError("a generated notification did not normalise");
      break;
    }
    benchmark::DoNotOptimize(n);
    bytes += static_cast<std::int64_t>(raw.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  std::size_t total = 0;
  for (const auto& s : p) total += s.size();
  state.counters["avg_bytes"] = static_cast<double>(total) / static_cast<double>(p.size());
}
BENCHMARK(parse_and_normalise);

}  // namespace

BENCHMARK_MAIN();
