// The attachment fetcher against the fake RingCentral over TLS
// (tests/fake_ringcentral): the real client, a real migrated database and
// writer, and the content store in a temp dir (docs/attachments.md).
#include "client_fixture.hpp"
#include "temp_dir.hpp"

#include "rcvault/attachments/content_store.hpp"
#include "rcvault/attachments/fetcher.hpp"
#include "rcvault/ingest/parse.hpp"
#include "rcvault/store/database.hpp"
#include "rcvault/store/writer.hpp"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>
#include <SQLiteCpp/Statement.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <random>
#include <thread>

using namespace rcvault;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(bytes.data(), bytes.size(), d, &n, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{:02x}", d[i]);
  return out;
}

// `size` bytes starting with `magic`, the rest random.
std::string content(std::string magic, std::size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  while (magic.size() < size) magic += static_cast<char>(gen() & 0xff);
  return magic;
}

// One row of attachment_archive, as the test reads it.
struct archive_row {
  std::string state;
  std::optional<std::string> sha256;
  std::optional<std::int64_t> bytes;
  std::optional<std::string> stored_type;
  std::optional<std::string> reason;
  std::int64_t attempts = 0;
  std::int64_t retry_at = 0;
};

struct fetcher_fake_test : ::testing::Test {
  test::temp_dir dir;
  test::fake_process fake{test::high_limits(), test::fake_process::transport::https, dir / "tls"};
  store::options so;
  std::unique_ptr<store::writer> writer;
  boost::asio::io_context io;
  std::unique_ptr<ringcentral::client> client;
  std::atomic<std::uint64_t> free_space{std::uint64_t(1) << 40};

  fetcher_fake_test() {
    fs::create_directories(dir / "tls");
    so.path = dir / "archive.db";
    EXPECT_TRUE(store::migrate(so).has_value());
    writer = std::make_unique<store::writer>(so, &ingest::renormalise);
    writer->start();
    client = std::make_unique<ringcentral::client>(io, client_options());
  }
  ~fetcher_fake_test() override { writer->stop(); }

  ringcentral::client_options client_options() {
    auto o = test::fake_options(fake);
    o.max_attempts = 2;
    return o;
  }

  attachments::fetcher_options options() {
    attachments::fetcher_options o;
    o.dir = dir / "attachments";
    o.server = fake.base();
    o.store = so;
    o.min_free_bytes = 1'000'000;
    o.free_space = [this](const fs::path&) -> std::optional<std::uint64_t> { return free_space.load(); };
    return o;
  }

  // Messages made by the fake from `tmpl` ("mms", "voicemail", "fax"), stored
  // in the archive as Message Sync would store them. Returns the records.
  json::array add(std::string_view tmpl, int count = 1) {
    auto got = fake.control("POST", "/_fake/messages",
                            fmt::format(R"({{"extension":"~","template":"{}","count":{}}})", tmpl, count));
    auto records = got.at("records").as_array();
    for (const auto& r : records) store_record(json::serialize(r));
    return records;
  }

  void store_record(const std::string& raw) {
    auto n = ingest::parse_record(raw);
    ASSERT_TRUE(n.has_value());
    std::promise<store::write_status> done;
    ASSERT_TRUE(writer->submit(std::move(*n), [&](const store::write_result& r) { done.set_value(r.status); },
                               store::lane::background));
    ASSERT_EQ(done.get_future().get(), store::write_status::stored);
  }

  void set_content(std::int64_t message_id, std::int64_t attachment_id, const std::string& bytes,
                   std::string_view more = "") {
    fake.control("POST", "/_fake/content",
                 fmt::format(R"({{"message_id":{},"attachment_id":{},"base64":"{}"{}}})", message_id, attachment_id,
                             base64(bytes), more));
  }

  attachments::drain_report drain(attachments::fetcher& f) { return test::run(io, f.drain(*client)); }

  std::optional<archive_row> row(std::int64_t message_id, std::int64_t attachment_id) {
    SQLite::Database db(so.path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db,
                        "SELECT a.state, a.sha256, a.bytes, a.stored_type, a.reason, a.attempts, a.retry_at "
                        "FROM attachment_archive a JOIN messages m ON m.id = a.message_id "
                        "WHERE m.rc_id = ? AND a.attachment_id = ?");
    q.bind(1, std::to_string(message_id));
    q.bind(2, std::to_string(attachment_id));
    if (!q.executeStep()) return std::nullopt;
    auto text = [&](int i) { return q.isColumnNull(i) ? std::nullopt : std::optional<std::string>(q.getColumn(i).getString()); };
    archive_row r;
    r.state = q.getColumn(0).getString();
    r.sha256 = text(1);
    if (!q.isColumnNull(2)) r.bytes = q.getColumn(2).getInt64();
    r.stored_type = text(3);
    r.reason = text(4);
    r.attempts = q.getColumn(5).getInt64();
    r.retry_at = q.getColumn(6).getInt64();
    return r;
  }

  std::vector<json::object> content_requests() { return fake.requests("/content/|^/media/"); }

  // The fake's log entries, once each answer was written out (bytes_sent final).
  std::vector<json::object> finished_content_requests() {
    for (int i = 0; i < 500; ++i) {
      auto log = content_requests();
      if (std::all_of(log.begin(), log.end(), [](const json::object& e) { return e.at("done").as_bool(); })) return log;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "the fake did not finish its answers";
    return content_requests();
  }

  std::size_t files_under(const fs::path& d) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(d))
      if (e.is_regular_file()) ++n;
    return n;
  }
};

// fetcher::run (serve's loop) on a thread of its own until destroyed, which
// stops it as runner::stop does: the client cancelled, the coroutine too.
struct serving {
  serving(fetcher_fake_test& t, attachments::fetcher& f) : t_(t) {
    boost::asio::co_spawn(t.io, f.run(*t.client), boost::asio::bind_cancellation_slot(stop_.slot(), boost::asio::detached));
    thread_ = std::thread([this] { t_.io.run(); });
  }
  ~serving() {
    boost::asio::post(t_.io, [this] {
      t_.client->cancel();
      stop_.emit(boost::asio::cancellation_type::terminal);
    });
    thread_.join();
    t_.io.restart();
  }
  // Waits at most 10 s for `done`; returns its last value.
  template <class F>
  bool wait_for(F done) {
    for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
    return done();
  }

 private:
  fetcher_fake_test& t_;
  boost::asio::cancellation_signal stop_;
  std::thread thread_;
};

std::int64_t id_of(const json::value& record) { return record.at("id").to_number<std::int64_t>(); }

TEST_F(fetcher_fake_test, MmsVoicemailAndFaxAreStoredByteExactWithTheirTypes) {
  const auto mms = id_of(add("mms")[0]);
  const auto voicemail = id_of(add("voicemail")[0]);
  const auto fax = id_of(add("fax")[0]);
  const std::string picture = content("\xff\xd8\xff\xe0\x00\x10JFIF", 150'000, 1);
  const std::string audio = content("RIFF\x00\x00\x00\x00WAVEfmt ", 300'000, 2);
  const std::string document = content("%PDF-1.4\n", 70'000, 3);
  set_content(mms, mms + 1, picture);
  set_content(voicemail, voicemail, audio);
  set_content(fax, fax, document);

  attachments::fetcher f(options(), *writer);
  const auto report = drain(f);
  EXPECT_EQ(report.stored, 3u);
  EXPECT_FALSE(report.error) << *report.error;

  struct expected {
    std::int64_t message, attachment;
    const std::string& bytes;
    std::string type;
  };
  for (const expected& e : {expected{mms, mms + 1, picture, "image/jpeg"}, expected{voicemail, voicemail, audio, "audio/x-wav"},
                            expected{fax, fax, document, "application/pdf"}}) {
    const auto r = row(e.message, e.attachment);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->state, "stored") << r->reason.value_or("");
    EXPECT_EQ(r->sha256, sha256_hex(e.bytes));
    EXPECT_EQ(r->bytes, static_cast<std::int64_t>(e.bytes.size()));
    EXPECT_EQ(r->stored_type, e.type);
    const fs::path file = dir / "attachments/sha256" / sha256_hex(e.bytes).substr(0, 2) / sha256_hex(e.bytes);
    EXPECT_TRUE(test::read_file(file) == e.bytes) << file;
  }
  // The MMS's Text part is the message's own text: never downloaded.
  EXPECT_EQ(row(mms, mms)->state, "skipped");
  EXPECT_EQ(content_requests().size(), 3u);
  EXPECT_TRUE(fs::is_empty(dir / "attachments/tmp"));
  EXPECT_EQ(f.status().downloaded, 3u);
  EXPECT_EQ(f.status().bytes, picture.size() + audio.size() + document.size());
}

TEST_F(fetcher_fake_test, NothingIsDownloadedTwice) {
  const auto records = add("voicemail", 7);
  auto o = options();
  o.batch = 2;  // several batches: each is taken only after the one before committed
  attachments::fetcher f(o, *writer);
  {
    serving s(*this, f);
    EXPECT_TRUE(s.wait_for([&] { return f.status().downloaded >= 7; }));
  }
  EXPECT_EQ(f.status().downloaded, 7u);
  EXPECT_EQ(content_requests().size(), 7u);
  for (const auto& r : records) EXPECT_EQ(row(id_of(r), id_of(r))->state, "stored");
}

TEST_F(fetcher_fake_test, TwoMessagesWithTheSameImageKeepOneFile) {
  const auto records = add("mms", 2);
  const std::string picture = content("\x89PNG\r\n\x1a\n", 80'000, 4);
  for (const auto& r : records) set_content(id_of(r), id_of(r) + 1, picture, R"(,"content_type":"image/png")");
  attachments::fetcher f(options(), *writer);
  EXPECT_EQ(drain(f).stored, 2u);
  for (const auto& r : records) {
    EXPECT_EQ(row(id_of(r), id_of(r) + 1)->state, "stored");
    EXPECT_EQ(row(id_of(r), id_of(r) + 1)->sha256, sha256_hex(picture));
    EXPECT_EQ(row(id_of(r), id_of(r) + 1)->stored_type, "image/png");
  }
  EXPECT_EQ(files_under(dir / "attachments/sha256"), 1u);
}

TEST_F(fetcher_fake_test, APurgedAttachmentIsGone) {
  const auto id = id_of(add("voicemail")[0]);
  fake.control("POST", "/_fake/messages/purge", fmt::format(R"({{"extension":"~","id":{}}})", id));
  attachments::fetcher f(options(), *writer);
  const auto report = drain(f);
  EXPECT_EQ(report.stored, 0u);
  const auto r = row(id, id);
  EXPECT_EQ(r->state, "gone");
  EXPECT_NE(r->reason.value_or("").find("404 CMN-102"), std::string::npos) << r->reason.value_or("");
  EXPECT_EQ(files_under(dir / "attachments"), 0u);
  // Final: a later pass asks nothing more.
  drain(f);
  EXPECT_EQ(content_requests().size(), 1u);
}

TEST_F(fetcher_fake_test, AForbiddenAttachmentIsForbidden) {
  const auto id = id_of(add("fax")[0]);
  fake.control("POST", "/_fake/faults",
               R"({"path":"/content/","count":1,"status":403,)"
               R"("body":{"errorCode":"CMN-419","message":"In order to call this API endpoint, user needs to have [ReadMessageContent] permission"}})");
  attachments::fetcher f(options(), *writer);
  drain(f);
  const auto r = row(id, id);
  EXPECT_EQ(r->state, "forbidden");
  EXPECT_NE(r->reason.value_or("").find("403 CMN-419"), std::string::npos) << r->reason.value_or("");
}

TEST_F(fetcher_fake_test, A429IsHonouredThenTheAttachmentIsStored) {
  const auto id = id_of(add("voicemail")[0]);
  const std::string audio = content("ID3\x03", 20'000, 5);
  set_content(id, id, audio, R"(,"content_type":"audio/mpeg")");
  fake.control("POST", "/_fake/faults", R"({"path":"/content/","count":1,"status":429,"retry_after":2})");
  attachments::fetcher f(options(), *writer);
  EXPECT_EQ(drain(f).stored, 1u);
  const auto log = content_requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(test::status_of(log[0]), 429);
  EXPECT_EQ(test::status_of(log[1]), 200);
  // No content request before Retry-After elapsed.
  EXPECT_GE(test::time_of(log[1]) - test::time_of(log[0]), 1.95);
  EXPECT_EQ(row(id, id)->state, "stored");
  EXPECT_EQ(row(id, id)->sha256, sha256_hex(audio));
}

TEST_F(fetcher_fake_test, OverMaxBytesIsTooLargeAndTheDownloadStopsEarly) {
  const auto id = id_of(add("fax")[0]);
  constexpr std::int64_t big = 20 << 20;
  fake.control("POST", "/_fake/content", fmt::format(R"({{"message_id":{0},"attachment_id":{0},"size":{1}}})", id, big));
  auto o = options();
  o.max_bytes = 1 << 20;
  attachments::fetcher f(o, *writer);
  EXPECT_EQ(drain(f).stored, 0u);
  EXPECT_EQ(row(id, id)->state, "too_large");
  const auto log = finished_content_requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_LT(log[0].at("bytes_sent").to_number<std::int64_t>(), 4 << 20);
  EXPECT_EQ(files_under(dir / "attachments"), 0u);
}

TEST_F(fetcher_fake_test, ARedirectToAnotherHostGetsNoTokenAndTheBytesAreStored) {
  const auto id = id_of(add("voicemail")[0]);
  const std::string audio = content("RIFF", 100'000, 6);
  set_content(id, id, audio, R"(,"redirect":"media")");
  attachments::fetcher f(options(), *writer);
  EXPECT_EQ(drain(f).stored, 1u);
  const auto log = content_requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].at("listener").as_string(), "main");
  EXPECT_EQ(log[0].at("authorization").as_string(), "bearer");
  EXPECT_EQ(test::status_of(log[0]), 302);
  EXPECT_EQ(log[1].at("listener").as_string(), "media");
  EXPECT_EQ(log[1].at("authorization").as_string(), "none");
  EXPECT_EQ(row(id, id)->sha256, sha256_hex(audio));
}

TEST_F(fetcher_fake_test, RingCentralHostUrisAreFetchedFromTheConfiguredServer) {
  auto got = fake.control("POST", "/_fake/messages", R"({"extension":"~","template":"fax"})");
  auto record = got.at("records").at(0).as_object();
  const auto id = id_of(record);
  // As RingCentral gives it: on its media host.
  auto& att = record.at("attachments").as_array().at(0).as_object();
  std::string uri(att.at("uri").as_string());
  att["uri"] = "https://media.ringcentral.com" + uri.substr(fake.base().size());
  store_record(json::serialize(record));
  attachments::fetcher f(options(), *writer);
  EXPECT_EQ(drain(f).stored, 1u);
  EXPECT_EQ(row(id, id)->state, "stored");
}

TEST_F(fetcher_fake_test, AFailedDownloadWaitsForItsRetry) {
  const auto id = id_of(add("fax")[0]);
  fake.control("POST", "/_fake/faults", R"({"path":"/content/","count":2,"status":503})");
  attachments::fetcher f(options(), *writer);
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  drain(f);
  auto r = row(id, id);
  EXPECT_EQ(r->state, "failed");
  EXPECT_NE(r->reason.value_or("").find("503"), std::string::npos) << r->reason.value_or("");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_GE(r->retry_at, before + 60'000);
  EXPECT_NE(f.status().last_error.value_or("").find("503"), std::string::npos);
  // Not due yet: a second pass downloads nothing.
  const auto asked = content_requests().size();
  drain(f);
  EXPECT_EQ(content_requests().size(), asked);
}

TEST_F(fetcher_fake_test, LowFreeSpacePausesAndNothingIsDownloaded) {
  const auto id = id_of(add("fax")[0]);
  free_space = 999'999;  // under min_free_bytes (1,000,000)
  attachments::fetcher f(options(), *writer);
  const auto report = drain(f);
  EXPECT_TRUE(report.paused);
  EXPECT_TRUE(content_requests().empty());
  EXPECT_EQ(row(id, id)->state, "pending");
  EXPECT_TRUE(f.status().paused);
  EXPECT_EQ(f.status().free_bytes, 999'999u);
  EXPECT_NE(attachments::to_json(f.status()).find(R"("paused":true)"), std::string::npos);

  free_space = 1'000'000;
  EXPECT_EQ(drain(f).stored, 1u);
  EXPECT_FALSE(f.status().paused);
  EXPECT_EQ(row(id, id)->state, "stored");
}

TEST_F(fetcher_fake_test, DownloadsLeftInTmpByACrashAreRemovedAtStart) {
  fs::create_directories(dir / "attachments/tmp");
  std::ofstream(dir / "attachments/tmp/download-4242-1") << "the first half of a picture";
  attachments::fetcher f(options(), *writer);
  drain(f);
  EXPECT_TRUE(fs::is_empty(dir / "attachments/tmp"));
}

TEST_F(fetcher_fake_test, ServeWakesOnAPokeAndStopsWhenCancelled) {
  auto o = options();
  o.idle_wait = 600s;  // without the poke nothing would be looked at during the test
  o.poke_delay = 50ms;
  attachments::fetcher f(o, *writer);
  std::int64_t id = 0;
  {
    serving s(*this, f);
    EXPECT_TRUE(s.wait_for([&] { return f.status().running; }));
    id = id_of(add("voicemail")[0]);
    f.poke();
    EXPECT_TRUE(s.wait_for([&] { return f.status().downloaded == 1; }));
  }
  EXPECT_EQ(row(id, id)->state, "stored");
  EXPECT_FALSE(f.status().running);
}

}  // namespace
