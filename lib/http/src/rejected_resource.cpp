// GET /v1/rejected: the dead letters, newest first.
#include "rcvault/core/time.hpp"
#include "rcvault/http/message_json.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <boost/json/array.hpp>

namespace rcvault::http::detail {

namespace asio = boost::asio;

namespace {

std::shared_ptr<reader_fn<std::vector<store::rejected_row>>> rejected_job(std::optional<std::int64_t> before,
                                                                         std::size_t limit) {
  return job<std::vector<store::rejected_row>>([before, limit](store::reader& r) { return r.rejected(before, limit); });
}

boost::json::object rejected_json(const store::rejected_row& r) {
  return boost::json::object{{"receivedAt", core::format_iso8601(r.received_at)},
                             {"code", r.code},
                             {"message", valid_utf8(r.message)},
                             {"size", r.size},
                             {"head", valid_utf8(r.head)}};
}

}  // namespace

asio::awaitable<reply> get_rejected(const request& req, query_context& ctx, const query_params& ps) {
  auto n = per_page(ps);
  if (!n) co_return error_reply(req, n.error());
  std::optional<std::int64_t> before;
  if (auto v = param(ps, "pageToken")) {
    before = decode_page_token(*v, 'r');
    if (!before) co_return error_reply(req, bad("pageToken", "not a token from this listing"));
  }
  const std::size_t limit = *n;
  const auto reader_job_fn = rejected_job(before, limit + 1);
  auto rows = co_await on_reader(ctx.readers, reader_job_fn);
  std::optional<std::string> next;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = encode_page_token('r', rows.back().row_id);
  }
  boost::json::array records;
  for (const auto& r : rows) records.push_back(rejected_json(r));
  co_return json_reply(req, boost::json::object{{"records", std::move(records)}, {"paging", paging(limit, next)}});
}

}  // namespace rcvault::http::detail
