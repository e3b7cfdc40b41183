// The operations endpoints of the query listener: /healthz (liveness, open
// without the token), /readyz (can writes be acknowledged?) and /metrics
// (Prometheus text). See docs/api.md.
#include "rcvault/http/metrics.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <map>
#include <string>
#include <system_error>

namespace rcvault::http::detail {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

std::shared_ptr<reader_fn<bool>> ready_job() {
  return job<bool>([](store::reader& r) { return r.ready(); });
}

using counter_map = std::map<std::string, std::int64_t>;

std::shared_ptr<reader_fn<counter_map>> counters_job() {
  return job<counter_map>([](store::reader& r) { return r.stats().counters; });
}

}  // namespace

std::uint64_t database_bytes(const std::filesystem::path& db) {
  std::uint64_t total = 0;
  for (const auto& p : {db, std::filesystem::path(db.string() + "-wal")}) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(p, ec);
    if (!ec) total += n;
  }
  return total;
}

asio::awaitable<reply> get_healthz(const request& req) {
  co_return json_reply(req, boost::json::object{{"status", "ok"}});
}

asio::awaitable<reply> get_readyz(const request& req, query_context& ctx) {
  // Not ready when writes can no longer be acknowledged.
  if (ctx.writer_stats) {
    if (const auto w = ctx.writer_stats(); w && w->wal_sync_failed)
      co_return error_reply(req, core::make_error(core::errc::unavailable,
                                                  "an fdatasync of the WAL failed: nothing is acknowledged "
                                                  "until rcvault is restarted (see the log)"));
  }
  const auto reader_job_fn = ready_job();
  const bool ok = co_await on_reader(ctx.readers, reader_job_fn);
  if (!ok)
    co_return error_reply(req, core::make_error(core::errc::unavailable, "database not writable or schema not current"));
  co_return json_reply(req, boost::json::object{{"status", "ready"}});
}

asio::awaitable<reply> get_metrics(const request& req, query_context& ctx) {
  metrics_gauges g;
  if (ctx.writer_stats) g.writer = ctx.writer_stats();
  g.database_bytes = database_bytes(ctx.database_path);
  // The attachment gauges come from the counters table, one small read.
  const auto reader_job_fn = counters_job();
  g.counters = co_await on_reader(ctx.readers, reader_job_fn);
  co_return make_response(req, bhttp::status::ok, ctx.stats.render(g), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace rcvault::http::detail
