// GET /v1/rejected: the dead letters, newest first.
#include "rcvault/core/time.hpp"
#include "rcvault/http/message_json.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"


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
  auto page = read_page(ps, 'r');
  if (!page) co_return error_reply(req, page.error());
  const auto reader_job_fn = rejected_job(page->after, page->per_page + 1);
  auto rows = co_await on_reader(ctx.readers, reader_job_fn);
  co_return page_reply(req, rows, page->per_page, 'r', [](const store::rejected_row& r) { return r.row_id; },
                       rejected_json);
}

}  // namespace rcvault::http::detail
