// GET /v1/stats: the store's counters (kept by the writer, never counted) and the database size.
#include "rcvault/core/time.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

namespace rcvault::http::detail {

namespace asio = boost::asio;

namespace {

std::shared_ptr<reader_fn<store::store_stats>> stats_job() {
  return job<store::store_stats>([](store::reader& r) { return r.stats(); });
}

boost::json::value stats_json(const store::store_stats& st, std::uint64_t db_bytes) {
  auto counter = [&](const std::string& name) -> std::int64_t {
    auto it = st.counters.find(name);
    return it == st.counters.end() ? 0 : it->second;
  };
  auto by_prefix = [&](std::string_view prefix) {
    boost::json::object o;
    for (const auto& [k, v] : st.counters)
      if (k.starts_with(prefix) && v != 0) o[k.substr(prefix.size())] = v;
    return o;
  };
  boost::json::object out{
      {"events",
       {{"total", counter("events.total")},
        {"applied", counter("events.applied")},
        {"stale", counter("events.stale")},
        {"unnormalised", counter("events.unnormalised")},
        {"duplicate", counter("events.duplicate")}}},
      {"messages",
       {{"total", counter("messages.total")},
        {"byType", by_prefix("messages.type.")},
        {"byDirection", by_prefix("messages.direction.")}}},
      {"rejected", st.counters.contains("rejected.total") ? counter("rejected.total") : st.rejected},
      // What retention and erasure removed, and the incoming items they
      // refused since (docs/retention.md); all 0 while neither ever ran.
      {"removed",
       {{"retention",
         {{"messages", counter("retention.messages")},
          {"events", counter("retention.events")},
          {"rejected", counter("retention.rejected")},
          {"refused", counter("retention.refused")}}},
        {"erasure",
         {{"messages", counter("erased.messages")},
          {"events", counter("erased.events")},
          {"rejected", counter("erased.rejected")},
          {"refused", counter("erased.refused")}}}}},
      {"databaseBytes", db_bytes}};
  if (st.oldest_message) out["oldestMessage"] = core::format_iso8601(*st.oldest_message);
  if (st.newest_message) out["newestMessage"] = core::format_iso8601(*st.newest_message);
  return out;
}

}  // namespace

asio::awaitable<reply> get_stats(const request& req, query_context& ctx) {
  const auto reader_job_fn = stats_job();
  auto st = co_await on_reader(ctx.readers, reader_job_fn);
  co_return json_reply(req, stats_json(st, database_bytes(ctx.database_path)));
}

}  // namespace rcvault::http::detail
