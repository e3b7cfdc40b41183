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
  auto n = per_page(ps);
  if (!n) co_return error_reply(req, n.error());
  std::optional<std::int64_t> before;
  if (auto v = param(ps, "pageToken")) {
    before = decode_page_token(*v, 'c');
    if (!before) co_return error_reply(req, bad("pageToken", "not a token from this listing"));
  }
  const std::size_t limit = *n;
  const auto reader_job_fn = conversations_job(before, limit + 1);
  auto convs = co_await on_reader(ctx.readers, reader_job_fn);
  std::optional<std::string> next;
  if (convs.size() > limit) {
    convs.resize(limit);
    next = encode_page_token('c', convs.back().last_message.sort_key);
  }
  boost::json::array records;
  for (const auto& c : convs) records.push_back(conversation_json(c));
  co_return json_reply(req, boost::json::object{{"records", std::move(records)}, {"paging", paging(limit, next)}});
}

asio::awaitable<reply> get_conversation_messages(const request& req, query_context& ctx,
                                                 const std::string& conversation_id, const query_params& ps) {
  messages_request mr;
  mr.query.conversation_id = conversation_id;
  mr.query.order = store::sort_order::asc;
  auto n = per_page(ps);
  if (!n) co_return error_reply(req, n.error());
  mr.query.limit = *n;
  if (auto v = param(ps, "pageToken")) {
    auto key = decode_page_token(*v, 'a');
    if (!key) co_return error_reply(req, bad("pageToken", "not a token from this listing"));
    mr.query.after_key = *key;
  }
  co_return co_await list_messages(req, ctx, mr);
}

}  // namespace rcvault::http::detail
