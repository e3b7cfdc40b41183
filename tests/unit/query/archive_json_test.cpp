// Message records show the archive of each attachment's content
// (docs/attachments.md): "archive":{"status","sha256"?,"size"?} in JSON and
// NDJSON, through the real parser, writer, reader and JSON writer; a stored
// attachment stays listed after RingCentral purged the message.
#include "query_fixture.hpp"

#include "rcvault/store/attachment_archive.hpp"

#include <boost/json/serialize.hpp>

#include <future>
#include <sstream>

namespace {

using namespace rcvault;

constexpr std::string_view mms_id = "3064938607016";
constexpr std::string_view image_id = "675981076016";
const std::string image_sha(64, 'e');

boost::json::object mms_envelope() {
  return boost::json::parse(test::read_file(test::shared_payload_path("02-instant-mms-2025-docs.json"))).as_object();
}

core::notification parsed(const boost::json::object& envelope) {
  auto n = ingest::parse_envelope(boost::json::serialize(envelope));
  EXPECT_TRUE(n.has_value());
  return std::move(*n);
}

// Stores the MMS of the shared example and reports its picture stored, as the fetcher would.
void store_mms_with_its_picture(test::query_archive& a) {
  a.add({parsed(mms_envelope())});
  store::attachment_queue q(a.store_opts());
  std::optional<store::archived_attachment> row;
  for (auto& r : q.due(std::numeric_limits<core::millis>::max(), 100))
    if (r.message_id == mms_id && r.attachment_id == image_id) row = r;
  ASSERT_TRUE(row.has_value()) << "the picture is due for download";
  store::attachment_result done;
  done.message_row = row->message_row;
  done.attachment_id = row->attachment_id;
  done.state = store::archive_state::stored;
  done.sha256 = image_sha;
  done.bytes = 461020;
  done.stored_type = "image/jpeg";
  std::promise<bool> committed;
  ASSERT_TRUE(a.writer().submit_attachment_result(done, [&](bool ok) { committed.set_value(ok); }));
  ASSERT_TRUE(committed.get_future().get());
}

const boost::json::object& attachment(const boost::json::value& record, std::string_view id) {
  for (const auto& a : record.at("attachments").as_array())
    if (a.at("id").as_string() == id) return a.as_object();
  throw std::runtime_error("no attachment " + std::string(id));
}

const boost::json::object stored_archive{{"status", "stored"}, {"sha256", image_sha}, {"size", 461020}};
const boost::json::object skipped_archive{{"status", "skipped"}};

TEST(QueryArchive, MessageShowsTheArchiveOfEachAttachment) {
  test::query_archive a(20);
  store_mms_with_its_picture(a);
  auto r = a.get("/v1/messages/" + std::string(mms_id));
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto v = r.json();
  EXPECT_EQ(attachment(v, image_id).at("archive"), stored_archive);
  EXPECT_EQ(attachment(v, image_id).at("contentType").as_string(), "image/jpeg");
  EXPECT_EQ(attachment(v, mms_id).at("archive"), skipped_archive);  // its text
  // The generated SMS carry a Text without uri: skipped, and shown so in listings.
  auto page = a.get("/v1/messages?messageType=SMS&perPage=100").json();
  std::size_t seen = 0;
  for (const auto& rec : page.at("records").as_array()) {
    for (const auto& att : rec.at("attachments").as_array()) {
      ++seen;
      if (att.at("id").as_string() == image_id) continue;
      EXPECT_EQ(att.at("archive"), skipped_archive) << boost::json::serialize(rec);
    }
  }
  EXPECT_GT(seen, 2u);
}

TEST(QueryArchive, NdjsonExportShowsTheArchiveToo) {
  test::query_archive a(20);
  store_mms_with_its_picture(a);
  auto r = a.get("/v1/messages?format=ndjson&messageType=SMS");
  ASSERT_EQ(r.status, 200u) << r.body;
  std::istringstream lines(r.body);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto rec = boost::json::parse(line);
    if (rec.at("id").as_string() != mms_id) continue;
    found = true;
    EXPECT_EQ(attachment(rec, image_id).at("archive"), stored_archive);
  }
  EXPECT_TRUE(found);
}

TEST(QueryArchive, PurgedMessageStillListsItsStoredPicture) {
  test::query_archive a(20);
  store_mms_with_its_picture(a);
  auto purged = mms_envelope();
  purged["uuid"] = "6242343638330101999";
  auto& body = purged["body"].as_object();
  body["availability"] = "Purged";
  body["lastModifiedTime"] = "2025-08-10T00:00:00.000Z";
  body["attachments"] = boost::json::array{};
  body["eventType"] = "Update";
  a.add({parsed(purged)});
  auto v = a.get("/v1/messages/" + std::string(mms_id)).json();
  EXPECT_EQ(v.at("availability").as_string(), "Purged");
  ASSERT_EQ(v.at("attachments").as_array().size(), 1u) << boost::json::serialize(v);
  const auto& img = attachment(v, image_id);
  EXPECT_EQ(img.at("archive"), stored_archive);
  EXPECT_EQ(img.at("type").as_string(), "MmsAttachment");
  EXPECT_EQ(img.at("contentType").as_string(), "image/jpeg");
  EXPECT_TRUE(img.at("uri").as_string().ends_with("/content/675981076016"));
}

}  // namespace
