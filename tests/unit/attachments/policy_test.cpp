// The fetcher's pure rules (docs/attachments.md): which URL is downloaded,
// what a failure becomes, and the backoff of a failed download.
#include "rcvault/attachments/fetcher.hpp"
#include "rcvault/attachments/source_uri.hpp"

#include "failure.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

using namespace rcvault;
using namespace std::chrono_literals;
using attachments::source_uri;

namespace {

const std::string content = "/restapi/v1.0/account/1/extension/2/message-store/3/content/4";

TEST(SourceUri, RingCentralServerKeepsTheUriAsGiven) {
  for (const std::string_view server : {"https://platform.ringcentral.com", "https://platform.devtest.ringcentral.com"}) {
    EXPECT_EQ(source_uri("https://media.ringcentral.com" + content, server), "https://media.ringcentral.com" + content);
    EXPECT_EQ(source_uri("https://media.devtest.ringcentral.com" + content, server),
              "https://media.devtest.ringcentral.com" + content);
  }
}

TEST(SourceUri, AnotherServerTakesRingCentralHostUris) {
  const std::string fake = "https://127.0.0.1:8443";
  EXPECT_EQ(source_uri("https://media.ringcentral.com" + content, fake), fake + content);
  EXPECT_EQ(source_uri("https://platform.ringcentral.com:443" + content + "?contentDisposition=Inline", fake),
            fake + content + "?contentDisposition=Inline");
  EXPECT_EQ(source_uri("https://media.RingCentral.BIZ" + content, fake + "/"), fake + content);
}

TEST(SourceUri, OtherHostsAndPlainHttpAreNotRewritten) {
  const std::string fake = "https://127.0.0.1:8443";
  for (const std::string& uri :
       {"https://cdn.example.com" + content, "http://media.ringcentral.com" + content,
        "https://evilringcentral.com" + content, "https://media.ringcentral.com.example.org" + content,
        "https://user@media.ringcentral.com" + content, std::string("not a url")})
    EXPECT_EQ(source_uri(uri, fake), uri);
}

store::archived_attachment row(std::int64_t attempts) {
  store::archived_attachment r;
  r.message_row = 7;
  r.attachment_id = "8";
  r.attempts = attempts;
  return r;
}

TEST(FailedDownload, RetriesDoubleFromAMinuteToSixHours) {
  const attachments::detail::retry_policy p;
  EXPECT_EQ(attachments::detail::retry_delay(1, p), 1min);
  EXPECT_EQ(attachments::detail::retry_delay(2, p), 2min);
  EXPECT_EQ(attachments::detail::retry_delay(4, p), 8min);
  EXPECT_EQ(attachments::detail::retry_delay(9, p), 256min);
  EXPECT_EQ(attachments::detail::retry_delay(10, p), 6h);
  EXPECT_EQ(attachments::detail::retry_delay(1000, p), 6h);
}

TEST(FailedDownload, EachAnswerBecomesItsState) {
  using attachments::detail::failure_result;
  const attachments::detail::retry_policy p;
  const core::millis now = 1'000'000;
  auto gone = failure_result(row(0), {404, "CMN-102", "Resource for parameter [attachmentId] is not found", {}}, now, p);
  EXPECT_EQ(gone.state, store::archive_state::gone);
  EXPECT_EQ(gone.reason, "404 CMN-102: Resource for parameter [attachmentId] is not found");
  EXPECT_EQ(gone.message_row, 7);
  EXPECT_EQ(gone.attachment_id, "8");
  EXPECT_EQ(failure_result(row(0), {403, "CMN-419", "no", {}}, now, p).state, store::archive_state::forbidden);
  EXPECT_EQ(failure_result(row(0), {0, "too_large", "big", {}}, now, p).state, store::archive_state::too_large);

  auto timeout = failure_result(row(2), {0, "timeout", "no answer", {}}, now, p);
  EXPECT_EQ(timeout.state, store::archive_state::failed);
  EXPECT_EQ(timeout.reason, "timeout: no answer");
  EXPECT_EQ(timeout.retry_at, now + 4 * 60'000);  // the third failure: 4 minutes
  auto throttled = failure_result(row(0), {429, "CMN-301", "Request rate exceeded", {}}, now, p);
  EXPECT_EQ(throttled.state, store::archive_state::failed);
  EXPECT_GE(throttled.retry_at, now + 60'000);
}

TEST(FetcherStatus, JsonShowsThePauseAndTheLastError) {
  const attachments::fetcher_status s{.running = true,
                                      .paused = true,
                                      .free_bytes = 1000,
                                      .min_free_bytes = 2000,
                                      .downloaded = 3,
                                      .bytes = 4096,
                                      .results = {},
                                      .last_error = "503 CMN-201: Service Temporary Unavailable",
                                      .last_error_at = 0};
  auto j = boost::json::parse(attachments::to_json(s)).as_object();
  EXPECT_EQ(j.at("paused").as_bool(), true);
  EXPECT_EQ(j.at("freeBytes").to_number<std::int64_t>(), 1000);
  EXPECT_EQ(j.at("minFreeBytes").to_number<std::int64_t>(), 2000);
  EXPECT_EQ(j.at("downloaded").to_number<std::int64_t>(), 3);
  EXPECT_EQ(j.at("bytes").to_number<std::int64_t>(), 4096);
  EXPECT_EQ(j.at("lastError").at("message").as_string(), "503 CMN-201: Service Temporary Unavailable");
  EXPECT_EQ(j.at("lastError").at("time").as_string(), "1970-01-01T00:00:00.000Z");
  EXPECT_FALSE(boost::json::parse(attachments::to_json({})).as_object().contains("lastError"));
}

}  // namespace
