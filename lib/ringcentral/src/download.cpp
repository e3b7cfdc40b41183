#include "client_impl.hpp"

#include "rcvault/log/log.hpp"

namespace rcvault::ringcentral {

namespace asio = boost::asio;

namespace {

constexpr int max_redirects = 5;
constexpr std::string_view content_endpoint =
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store/{messageId}/content/{attachmentId}";

}  // namespace

asio::awaitable<api_result<api_response>> client::download(std::string url, rate_group group, std::size_t max_bytes,
                                                          body_sink sink) {
  auto& d = *impl_;
  if (d.setup_error) co_return *d.setup_error;
  std::size_t delivered = 0;
  const body_sink counting = [&](std::string_view chunk) {
    delivered += chunk.size();
    return sink(chunk);
  };
  bool was_tls = true;
  for (int hop = 0; hop <= max_redirects; ++hop) {
    auto parsed = parse_url(url);
    if (!parsed) co_return parsed.error();
    if (hop > 0 && was_tls && !parsed->where.tls) {
      co_return api_error{0, "invalid_url", "a redirect from https to http is not followed", {}};
    }
    was_tls = parsed->where.tls;
    const auto& host = parsed->where.host;
    // The token goes only to RingCentral's own hosts and the configured server.
    const bool trusted = parsed->where == d.server ||
                         (parsed->where.tls && (host_within(host, "ringcentral.com") || host_within(host, "ringcentral.biz")));
    impl::call c;
    c.where = parsed->where;
    c.target = parsed->target;
    c.group = group;
    c.endpoint = std::string(content_endpoint);
    c.how = trusted ? impl::auth::bearer : impl::auth::none;
    c.sink = &counting;
    c.delivered = &delivered;
    c.max_body = max_bytes;
    c.redirects_are_answers = true;
    auto r = co_await d.execute(std::move(c));
    if (!r) co_return r.error();
    if (r->status < 300 || r->status >= 400) {
      r->body.clear();
      co_return r;
    }
    auto location = r->headers.find("location");
    if (location == r->headers.end()) co_return api_error{r->status, "invalid_response", "a redirect without Location", {}};
    auto next = resolve_url(url, location->second);
    if (!next) co_return next.error();
    log::debug("ringcentral download redirected status={} hop={}", r->status, hop + 1);
    url = std::move(*next);
  }
  co_return api_error{0, "invalid_response", "more than 5 redirects", {}};
}

}  // namespace rcvault::ringcentral
