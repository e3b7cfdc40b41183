// GET /v1/conversations and /v1/conversations/{conversationId}/messages.
#include "rcvault/http/message_json.hpp"

#include "query_reply.hpp"
#include "reader_call.hpp"
#include "resources.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

namespace rcvault::http::detail {

namespace asio = boost::asio;

namespace {

std::shared_ptr<reader_fn<std::vector<store::conversation_summary>>> conversations_job(
    std::optional<std::int64_t> before, std::size_t limit) {
  return job<std::vector<store::conversation_summary>>(
      [before, limit](store::reader& r) { return r.conversations(before, limit); });
}

boost::json::object conversation_json(const store::conversation_summary& c) {
  boost::json::array participants;
  for (const auto& p : c.participants) participants.push_back(boost::json::string(p));
  return boost::json::object{{"conversationId", c.conversation_id},
                             {"messageCount", c.message_count},
                             {"participants", std::move(participants)},
                             {"lastMessage", message_to_json(c.last_message.msg)}};
}

}  // namespace

asio::awaitable<reply> get_conversations(const request& req, query_context& ctx, const query_params& ps) {
  auto page = read_page(ps, 'c');
  if (!page) co_return error_reply(req, page.error());
  const auto reader_job_fn = conversations_job(page->after, page->per_page + 1);
  auto convs = co_await on_reader(ctx.readers, reader_job_fn);
  co_return page_reply(
      req, convs, page->per_page, 'c', [](const store::conversation_summary& c) { return c.last_message.sort_key; },
      conversation_json);
}

asio::awaitable<reply> get_conversation_messages(const request& req, query_context& ctx,
                                                 const std::string& conversation_id, const query_params& ps) {
  messages_request mr;
  mr.query.conversation_id = conversation_id;
  mr.query.order = store::sort_order::asc;
  auto page = read_page(ps, 'a');
  if (!page) co_return error_reply(req, page.error());
  mr.query.limit = page->per_page;
  mr.query.after_key = page->after;
  co_return co_await list_messages(req, ctx, mr);
}

}  // namespace rcvault::http::detail
