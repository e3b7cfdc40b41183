// events.raw compressed with zstd (docs/storage.md): every payload comes back
// byte-exact through the reader (what /v1/events serves) and through the
// writer's re-fold, with a dictionary, without, for plain rows from before
// compression, and after `compact --retrain` changed the dictionary.
#include "store_test_support.hpp"

#include "rcvault/store/database.hpp"
#include "rcvault/store/raw_compaction.hpp"
#include "rcvault/store/reader.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace rcvault;
using test::query_int;

constexpr core::millis t0 = 1'750'000'000'000;

// Raw bodies that look like RingCentral's instant-message notifications
// (about 1 KB, like bench/gen_notifications.py), each naming its uuid, with
// the message each stands for (the renormaliser hands it back).
class payloads {
 public:
  std::string realistic(const std::string& uuid, const core::message& m) {
    static const char* words[] = {"hello", "meeting", "invoice", "tomorrow", "call", "me", "back", "thanks", "ok",
                                  "delivery", "window", "confirm", "your", "code", "is", "ready"};
    std::string subject;
    for (int i = 0; i < 8; ++i) subject += std::string(i ? " " : "") + words[rng_() % 16];
    const auto phone = [&] { return "+1650555" + std::to_string(1000 + rng_() % 9000); };
    std::string raw =
        "{\"uuid\":\"" + uuid +
        "\",\"event\":\"/restapi/v1.0/account/~/extension/11/message-store/instant?type=SMS\","
        "\"subscriptionId\":\"dc853541-66ac-45d8-a289-1a239fd72888\",\"ownerId\":\"11\",\"timestamp\":\"2026-01-0" +
        std::to_string(1 + rng_() % 9) + "T10:00:00.000Z\",\"body\":{\"id\":\"" + m.id + "\",\"to\":[{\"phoneNumber\":\"" +
        phone() + "\",\"name\":\"Jane Doe\",\"location\":\"San Mateo, CA\"}],\"from\":{\"phoneNumber\":\"" + phone() +
        "\",\"name\":\"John Smith\"},\"type\":\"SMS\",\"creationTime\":\"2026-01-01T10:00:00.000Z\","
        "\"readStatus\":\"Unread\",\"priority\":\"Normal\",\"attachments\":[{\"id\":\"" + m.id +
        "\",\"uri\":\"https://platform.ringcentral.com/restapi/v1.0/account/1/extension/1/message-store/" + m.id +
        "/content/" + m.id + "\",\"type\":\"Text\",\"contentType\":\"text/plain\"}],\"direction\":\"Inbound\","
        "\"availability\":\"Alive\",\"subject\":\"" + subject + "\",\"messageStatus\":\"Received\","
        "\"conversationId\":\"" + std::to_string(1234567890 + rng_() % 99999) + "\"}}";
    bodies_[raw] = m;
    return raw;
  }

  // A payload zstd cannot shrink: random bytes, any value, inside a JSON string.
  std::string incompressible(const std::string& uuid, const core::message& m, std::size_t n) {
    std::string raw = "{\"uuid\":\"" + uuid + "\",\"body\":{\"id\":\"" + m.id + "\",\"blob\":\"";
    for (std::size_t i = 0; i < n; ++i) raw += static_cast<char>(rng_() & 0xff);
    raw += "\"}}";
    bodies_[raw] = m;
    return raw;
  }

  store::renormaliser renormaliser() {
    return [this](core::event_kind, std::string_view raw) -> std::optional<core::message> {
      auto it = bodies_.find(std::string(raw));
      if (it == bodies_.end()) return std::nullopt;
      return it->second;
    };
  }

 private:
  std::mt19937 rng_{7};
  std::map<std::string, core::message> bodies_;  // read by the writer thread only after the test's submit
};

core::message sms(const std::string& id, core::millis modified) {
  core::message m;
  m.id = id;
  m.type = "SMS";
  m.subject = "hello archive";
  m.read_status = "Unread";
  m.message_status = "Received";
  m.creation_time = t0;
  m.last_modified_time = modified;
  return m;
}

core::notification notification(const std::string& uuid, core::millis sent, std::string raw, core::message m) {
  core::notification n;
  n.uuid = uuid;
  n.event = "/restapi/v1.0/account/~/extension/11/message-store/instant?type=SMS";
  n.kind = core::event_kind::instant_message;
  n.owner_id = "11";
  n.timestamp = sent;
  n.raw = std::move(raw);
  n.msg = std::move(m);
  return n;
}

struct fixture {
  test::temp_dir dir;
  store::options opts = [this] {
    auto o = test::migrated_options(dir);
    o.raw_dictionary_samples = 0;  // dictionaries only from compact, unless a test asks
    return o;
  }();
  payloads bodies;
  std::map<std::string, std::string> sent;  // uuid -> raw as submitted

  // Writes `count` realistic payloads (and every tenth an incompressible one)
  // of new messages, uuids prefix-0, prefix-1, ...
  void write(const std::string& prefix, int count) {
    store::writer w(opts, bodies.renormaliser());
    w.start();
    for (int i = 0; i < count; ++i) {
      const auto uuid = prefix + "-" + std::to_string(i);
      const auto m = sms(prefix + std::to_string(100000 + i), t0);
      auto raw = i % 10 == 9 ? bodies.incompressible(uuid, m, 600) : bodies.realistic(uuid, m);
      sent[uuid] = raw;
      test::submit_and_wait(w, notification(uuid, t0, std::move(raw), m));
    }
    w.stop();
  }

  // Every payload written so far, as the reader (GET /v1/events) returns it.
  void expect_all_byte_exact(const std::string& when) {
    store::reader r(opts);
    for (const auto& [uuid, raw] : sent) {
      auto e = r.event(uuid);
      ASSERT_TRUE(e) << when << ": " << uuid;
      ASSERT_EQ(e->raw, raw) << when << ": " << uuid;
    }
  }

  store::compact_report compact(bool retrain) {
    store::compact_request req;
    req.retrain = retrain;
    req.batch_rows = 7;  // several transactions even for a small table
    auto rep = store::compact_raw(opts, req);
    if (!rep) throw std::runtime_error(rep.error().message);
    return *rep;
  }
};

TEST(RawCodec, PayloadsRoundTripCompressedWithoutADictionary) {
  fixture f;
  f.write("a", 40);
  f.expect_all_byte_exact("no dictionary");
  // Stored smaller than received: zstd frames, no dictionary (0).
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 0"), 36);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict IS NULL"), 4);  // the incompressible ones
  EXPECT_LT(query_int(f.opts, "SELECT sum(length(raw)) FROM events WHERE raw_dict = 0"),
            36 * 700);  // each realistic payload is over 900 bytes
}

TEST(RawCodec, PayloadsRoundTripAcrossDictionaryVersions) {
  fixture f;
  f.write("a", 60);
  auto first = f.compact(false);
  ASSERT_EQ(first.trained, 1);
  EXPECT_EQ(first.dictionary, 1);
  // Every row now uses dictionary 1, or is kept as received when even the
  // dictionary cannot make it smaller.
  const std::string not_on = "SELECT count(*) FROM events WHERE raw_dict IS NOT NULL AND raw_dict <> ";
  EXPECT_EQ(query_int(f.opts, not_on + "1"), 0);
  EXPECT_EQ(first.rows, 60 - query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict IS NULL"));
  EXPECT_GE(first.rows, 54);
  EXPECT_LT(first.bytes_after * 2, first.bytes_before);
  f.expect_all_byte_exact("after the first compact");
  f.write("b", 30);  // written with dictionary 1
  EXPECT_EQ(query_int(f.opts, not_on + "1"), 0);
  EXPECT_GE(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 1"), 54 + 27);
  f.expect_all_byte_exact("rows of dictionary 1");

  const auto on_one = query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 1");
  auto second = f.compact(true);
  ASSERT_EQ(second.trained, 2);
  EXPECT_EQ(second.rows, on_one);
  EXPECT_EQ(second.dropped, 1);  // no row uses dictionary 1 any more
  EXPECT_EQ(query_int(f.opts, "SELECT group_concat(id) FROM raw_dictionaries"), 2);
  f.write("c", 30);
  EXPECT_EQ(query_int(f.opts, not_on + "2"), 0);
  EXPECT_GE(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 2"), 81 + 27);
  f.expect_all_byte_exact("after compact --retrain");
}

TEST(RawCodec, PlainRowsFromBeforeCompressionStayReadableAndCompact) {
  fixture f;
  f.write("a", 30);
  // What a database from before 0006 holds: the bytes as received, raw_dict NULL.
  {
    SQLite::Database db(f.opts.path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement s(db, "UPDATE events SET raw = ?1, raw_dict = NULL WHERE uuid = ?2");
    for (const auto& [uuid, raw] : f.sent) {
      s.reset();
      s.bind(1, raw.data(), static_cast<int>(raw.size()));
      s.bind(2, uuid);
      s.exec();
    }
  }
  ASSERT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict IS NULL"), 30);
  f.expect_all_byte_exact("plain rows");
  auto rep = f.compact(false);
  EXPECT_GE(rep.rows, 27);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 1"), rep.rows);
  f.expect_all_byte_exact("plain rows after compact");
}

TEST(RawCodec, OutOfOrderVersionRefoldsFromDecodedPayloads) {
  fixture f;
  f.write("seed", 30);
  f.compact(false);  // dictionary 1 for what follows
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  auto v1 = sms("500", t0);
  core::message v2;  // the newest, thin: only its read state
  v2.id = "500";
  v2.last_modified_time = t0 + 2000;
  v2.read_status = "Read";
  auto v0 = sms("500", t0 + 1000);  // older than v2, newer than v1: re-folds all three
  v0.message_status = "Delivered";
  for (auto [uuid, at, m] : {std::tuple{"v1", t0, v1}, std::tuple{"v2", t0 + 2000, v2}, std::tuple{"v0", t0 + 1000, v0}}) {
    auto raw = f.bodies.realistic(uuid, m);
    f.sent[uuid] = raw;
    test::submit_and_wait(w, notification(uuid, at, std::move(raw), m));
  }
  w.stop();
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE uuid IN ('v0','v1','v2') AND raw_dict = 1"), 3);
  // The fold of all three versions in order: v0's status over v1's, v2's read
  // state. Without the re-fold v0 would be dropped as stale ('Received').
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM messages WHERE rc_id = '500' AND read_status = 'Read' AND "
                              "message_status = 'Delivered'"),
            1);
  f.expect_all_byte_exact("after the re-fold");
}

TEST(RawCodec, MissingDictionaryIsAClearError) {
  fixture f;
  f.write("a", 20);
  f.compact(false);
  const auto on_one = query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 1");
  ASSERT_GE(on_one, 18);
  {
    SQLite::Database db(f.opts.path.string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM raw_dictionaries WHERE id = 1");
  }
  store::reader r(f.opts);
  try {
    auto e = r.event("a-0");
    FAIL() << "read a row without its dictionary: " << (e ? e->raw.substr(0, 40) : "nothing");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("dictionary 1, which raw_dictionaries does not hold"), std::string::npos)
        << e.what();
  }
  // compact refuses too, and changes nothing.
  store::compact_request req;
  auto rep = store::compact_raw(f.opts, req);
  ASSERT_FALSE(rep);
  EXPECT_NE(rep.error().message.find("dictionary 1"), std::string::npos) << rep.error().message;
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 1"), on_one);
}

// rcvault check decodes every stored payload: healthy rows pass; a frame
// whose dictionary is gone, or a corrupt one, is named with how many fail.
TEST(RawCodec, CheckNamesPayloadsThatDoNotDecode) {
  fixture f;
  f.write("a", 20);
  f.compact(false);
  auto healthy = store::check(f.opts);
  ASSERT_TRUE(healthy) << healthy.error().message;
  EXPECT_EQ(*healthy, "");
  {
    SQLite::Database db(f.opts.path.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE events SET raw = x'28b52ffd0058ffffffff', raw_dict = 0 WHERE uuid = 'a-3'");
    db.exec("UPDATE events SET raw_dict = 99 WHERE uuid = 'a-7'");
  }
  auto broken = store::check(f.opts);
  ASSERT_TRUE(broken) << broken.error().message;
  EXPECT_NE(broken->find("2 stored raw payloads do not decode"), std::string::npos) << *broken;
  EXPECT_NE(broken->find("(uuid a-3)"), std::string::npos) << *broken;
}

TEST(RawCodec, WriterTrainsTheFirstDictionaryByItself) {
  fixture f;
  f.opts.raw_dictionary_samples = 40;
  store::writer w(f.opts, f.bodies.renormaliser());
  w.start();
  // Training runs beside the writer; each later batch looks whether it ended.
  int i = 0;
  for (; i < 2000 && query_int(f.opts, "SELECT count(*) FROM events WHERE raw_dict = 1") == 0; ++i) {
    const auto uuid = "t-" + std::to_string(i);
    const auto m = sms(std::to_string(700000 + i), t0);
    auto raw = f.bodies.realistic(uuid, m);
    f.sent[uuid] = raw;
    test::submit_and_wait(w, notification(uuid, t0, std::move(raw), m));
  }
  w.stop();
  EXPECT_GT(i, 40);
  EXPECT_EQ(query_int(f.opts, "SELECT count(*) FROM raw_dictionaries"), 1);
  EXPECT_EQ(query_int(f.opts, "SELECT samples FROM raw_dictionaries"), 40);
  f.expect_all_byte_exact("first dictionary trained by the writer");
}

}  // namespace
