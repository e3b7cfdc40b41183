// GET /v1/messages/{id}/attachments/{attachmentId}/content and the
// attachment metrics (docs/attachments.md): a record stored through the real
// writer, its attachment marked stored by a fetcher result, its file written
// where attachments.dir says, answered through handle_query without a socket.
#include "query_fixture.hpp"

#include "rcvault/store/attachment_archive.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <future>

namespace rcvault::test {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view record = R"({
  "id": 9001, "type": "VoiceMail", "direction": "Inbound",
  "creationTime": "2025-07-31T20:13:18.000Z", "lastModifiedTime": "2025-07-31T20:13:18.000Z",
  "from": {"phoneNumber": "+15551230001"}, "to": [{"phoneNumber": "+15551230002"}],
  "owner": {"extensionId": "42"},
  "attachments": [
    {"id": 1, "uri": "https://media.ringcentral.com/restapi/v1.0/account/1/extension/42/message-store/9001/content/1",
     "type": "AudioRecording", "contentType": "audio/mpeg"},
    {"id": 2, "uri": "https://media.ringcentral.com/restapi/v1.0/account/1/extension/42/message-store/9001/content/2",
     "type": "AudioTranscription", "contentType": "text/plain"}
  ]
})";

// Not the hash of the bytes: the endpoint trusts the row (check --attachments verifies).
const std::string sha = "ab" + std::string(62, '3');

std::string content_bytes() {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += static_cast<char>('a' + i % 26);
  return s;
}

class AttachmentContent : public ::testing::Test {
 protected:
  AttachmentContent() : archive_(0) {
    auto n = ingest::parse_record(record);
    EXPECT_TRUE(n.has_value());
    archive_.add({std::move(*n)});
  }

  // Marks attachment `attachment_id` of message 9001 with `state` through the writer.
  void set_state(std::string attachment_id, store::archive_state state,
                 std::optional<std::string> stored_type = "audio/mpeg") {
    store::reader r(archive_.store_opts());
    const auto row = r.archived("9001", attachment_id);
    ASSERT_TRUE(row.has_value()) << "no archive row for attachment " << attachment_id;
    store::attachment_result res;
    res.message_row = row->message_row;
    res.attachment_id = attachment_id;
    res.state = state;
    if (state == store::archive_state::stored) {
      res.sha256 = sha;
      res.bytes = static_cast<std::int64_t>(content_bytes().size());
      res.stored_type = std::move(stored_type);
    } else {
      res.reason = "HTTP 404";
    }
    std::promise<bool> done;
    ASSERT_TRUE(archive_.writer().submit_attachment_result(std::move(res), [&](bool ok) { done.set_value(ok); }));
    ASSERT_TRUE(done.get_future().get());
  }

  void write_file(const std::string& bytes) {
    const auto path = store::content_path(archive_.attachments_dir(), sha);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }

  query_result get(std::vector<std::pair<bhttp::field, std::string>> headers = {},
                   const std::string& target = "/v1/messages/9001/attachments/1/content") {
    return archive_.get(target, std::move(headers));
  }

  query_archive archive_;
};

TEST_F(AttachmentContent, StoredBytesComeBackWithTypeLengthAndEtag) {
  set_state("1", store::archive_state::stored);
  write_file(content_bytes());
  const auto r = get();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, content_bytes());
  EXPECT_EQ(r.length, content_bytes().size());
  EXPECT_EQ(r.content_type, "audio/mpeg");
  EXPECT_EQ(r.header(bhttp::field::etag), "\"" + sha + "\"");
  EXPECT_EQ(r.header(bhttp::field::accept_ranges), "bytes");
}

TEST_F(AttachmentContent, DeclaredTypeServesWhenTheDownloadHadNone) {
  set_state("2", store::archive_state::stored, std::nullopt);
  write_file(content_bytes());
  const auto r = get({}, "/v1/messages/9001/attachments/2/content");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain");
}

TEST_F(AttachmentContent, RangeReturnsTheSlice) {
  set_state("1", store::archive_state::stored);
  write_file(content_bytes());
  const auto r = get({{bhttp::field::range, "bytes=100-199"}});
  EXPECT_EQ(r.status, 206u);
  EXPECT_EQ(r.body, content_bytes().substr(100, 100));
  EXPECT_EQ(r.length, 100u);
  EXPECT_EQ(r.header(bhttp::field::content_range), "bytes 100-199/1000");
  const auto tail = get({{bhttp::field::range, "bytes=-10"}});
  EXPECT_EQ(tail.status, 206u);
  EXPECT_EQ(tail.body, content_bytes().substr(990));
}

TEST_F(AttachmentContent, RangeOutsideTheContentIs416) {
  set_state("1", store::archive_state::stored);
  write_file(content_bytes());
  const auto r = get({{bhttp::field::range, "bytes=1000-"}});
  EXPECT_EQ(r.status, 416u);
  EXPECT_EQ(r.header(bhttp::field::content_range), "bytes */1000");
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "range_not_satisfiable");
}

TEST_F(AttachmentContent, SeveralRangesGetTheWholeContent) {
  set_state("1", store::archive_state::stored);
  write_file(content_bytes());
  const auto r = get({{bhttp::field::range, "bytes=0-1,10-11"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, content_bytes());
}

TEST_F(AttachmentContent, MatchingIfNoneMatchIs304WithoutBody) {
  set_state("1", store::archive_state::stored);
  write_file(content_bytes());
  const auto r = get({{bhttp::field::if_none_match, "\"" + sha + "\""}});
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(get({{bhttp::field::if_none_match, "\"other\""}}).status, 200u);
}

TEST_F(AttachmentContent, NotStoredIs404NotArchivedNamingTheState) {
  const auto pending = get();
  EXPECT_EQ(pending.status, 404u);
  EXPECT_EQ(pending.json().at("error").at("code").as_string(), "not_archived");
  EXPECT_NE(std::string(pending.json().at("error").at("message").as_string()).find("is pending"), std::string::npos);
  set_state("1", store::archive_state::gone);
  const auto gone = get();
  EXPECT_EQ(gone.status, 404u);
  EXPECT_NE(std::string(gone.json().at("error").at("message").as_string()).find("is gone"), std::string::npos);
}

TEST_F(AttachmentContent, UnknownMessageOrAttachmentIs404NotFound) {
  for (const auto* target : {"/v1/messages/9001/attachments/3/content", "/v1/messages/1/attachments/1/content"}) {
    const auto r = get({}, target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.json().at("error").at("code").as_string(), "not_found") << target;
  }
}

TEST_F(AttachmentContent, StoredRowWithoutItsFileIs500ContentMissing) {
  set_state("1", store::archive_state::stored);
  const auto missing = get();
  EXPECT_EQ(missing.status, 500u);
  EXPECT_EQ(missing.json().at("error").at("code").as_string(), "content_missing");
  write_file("short");
  const auto shorter = get();
  EXPECT_EQ(shorter.status, 500u);
  EXPECT_EQ(shorter.json().at("error").at("code").as_string(), "content_missing");
}

TEST_F(AttachmentContent, MetricsCountAttachmentsByStateAndStoredBytes) {
  set_state("1", store::archive_state::stored);
  const auto m = archive_.get("/metrics").body;
  EXPECT_NE(m.find("rcvault_attachments{state=\"stored\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("rcvault_attachments{state=\"pending\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("rcvault_attachments{state=\"gone\"} 0\n"), std::string::npos) << m;
  EXPECT_NE(m.find("rcvault_attachment_bytes_total 1000\n"), std::string::npos) << m;
}

}  // namespace
}  // namespace rcvault::test
