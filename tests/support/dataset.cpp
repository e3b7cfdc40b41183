#include "dataset.hpp"

#include "rcvault/core/phone.hpp"
#include "rcvault/core/time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstdio>

namespace rcvault::test {

namespace {

// SplitMix64: a tiny, well-mixed generator, so message i depends only on (seed, i).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

struct rng {
  std::uint64_t state;
  std::uint64_t next() { return state = mix(state); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

constexpr std::array<const char*, 40> words{
    "hello",   "thanks", "meeting", "tomorrow", "call",    "please", "order",   "shipped", "delivery", "payment",
    "account", "update", "price",   "quote",    "service", "today",  "office",  "open",    "closed",   "weekend",
    "support", "ticket", "resolved", "question", "schedule", "confirm", "cancel", "reminder", "appointment", "at",
    "the",     "your",   "is",      "ready",    "for",     "pickup", "we",      "will",    "see",      "you"};

std::string company_number(std::size_t k) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "+1415555%04zu", k % 10000);
  return buf;
}

boost::json::object party_json(const core::party& p) {
  boost::json::object o;
  if (p.phone_number) o["phoneNumber"] = *p.phone_number;
  if (p.extension_number) o["extensionNumber"] = *p.extension_number;
  if (p.name) o["name"] = *p.name;
  return o;
}

// The message-store record RingCentral would send for `m` (the fields the
// generator sets, under RingCentral's names): what ingest::renormalise reads
// back from the raw envelope, so a re-parse of a stored event gives `m` again.
boost::json::object record_json(const core::message& m) {
  boost::json::object body{{"id", m.id}, {"type", *m.type}, {"direction", *m.direction},
                           {"creationTime", core::format_iso8601(*m.creation_time)},
                           {"lastModifiedTime", core::format_iso8601(*m.last_modified_time)},
                           {"readStatus", *m.read_status},
                           {"messageStatus", *m.message_status},
                           {"availability", *m.availability},
                           {"priority", *m.priority}};
  if (m.subject) body["subject"] = *m.subject;
  if (m.conversation_id) body["conversationId"] = *m.conversation_id;
  if (m.from) body["from"] = party_json(*m.from);
  if (m.to) {
    boost::json::array to;
    for (const auto& p : *m.to) to.push_back(party_json(p));
    body["to"] = std::move(to);
  }
  if (m.attachments) {
    boost::json::array attachments;
    for (const auto& a : *m.attachments) {
      boost::json::object o{{"id", a.id}};
      if (a.type) o["type"] = *a.type;
      if (a.content_type) o["contentType"] = *a.content_type;
      if (a.vm_duration) o["vmDuration"] = *a.vm_duration;
      attachments.push_back(std::move(o));
    }
    body["attachments"] = std::move(attachments);
  }
  if (m.fax_page_count) body["faxPageCount"] = *m.fax_page_count;
  if (m.fax_resolution) body["faxResolution"] = *m.fax_resolution;
  if (m.vm_transcription_status) body["vmTranscriptionStatus"] = *m.vm_transcription_status;
  for (const auto& [key, value] : m.extra) body[key] = value;
  return body;
}

}  // namespace

bool has_digits(const core::message& m, const std::string& digits) {
  auto match = [&](const core::party& p) { return p.phone_number && core::phone_digits(*p.phone_number) == digits; };
  if (m.from && match(*m.from)) return true;
  if (m.to)
    for (const auto& p : *m.to)
      if (match(p)) return true;
  return false;
}

std::string customer_number(std::size_t k) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "+1212%07zu", k % 10'000'000);
  return buf;
}

core::notification make_notification(const dataset_options& opts, std::size_t index) {
  rng r{mix(opts.seed ^ (index * 0x100000001B3ULL))};
  core::message m;
  m.id = opts.id_prefix + std::to_string(index);
  const std::size_t owner = r.below(3);
  m.owner_id = std::to_string(629'893'000 + owner);

  const std::size_t type_roll = r.below(100);
  m.type = type_roll < 88 ? "SMS" : type_roll < 94 ? "VoiceMail" : type_roll < 97 ? "Fax" : "Pager";
  if (index % 5000 == 1234) m.type = "SMS";  // the rare word needs a text
  const bool inbound = *m.type == "VoiceMail" || r.below(100) < 55;
  m.direction = inbound ? "Inbound" : "Outbound";

  const bool busy = opts.busy_every != 0 && index % opts.busy_every == 0;
  // Each customer talks to one company number of their own (or the busy one).
  const std::size_t customer = r.below(opts.customers);
  const std::string ours = busy ? std::string(busy_number) : company_number(customer % opts.company_numbers);
  const std::string theirs = customer_number(customer);

  core::party us;
  core::party them;
  us.phone_number = ours;
  them.phone_number = theirs;
  if (*m.type == "Pager") {
    us = {};
    them = {};
    us.extension_number = std::to_string(100 + r.below(50));
    them.extension_number = std::to_string(100 + r.below(50));
  }
  if (r.below(4) == 0) them.name = "Customer " + std::to_string(customer);
  if (inbound) {
    m.from = them;
    m.to = std::vector<core::party>{us};
  } else {
    m.from = us;
    m.to = std::vector<core::party>{them};
  }

  m.creation_time = opts.start + static_cast<core::millis>(index) * opts.step;
  m.last_modified_time = *m.creation_time + 1000;
  m.read_status = r.below(3) == 0 ? "Unread" : "Read";
  m.message_status = inbound ? "Received" : (r.below(20) == 0 ? "DeliveryFailed" : "Delivered");
  m.availability = r.below(25) == 0 ? "Deleted" : "Alive";
  m.priority = "Normal";
  if (*m.type != "Pager") {
    // One conversation per (company number, customer) pair.
    m.conversation_id = std::to_string(mix(std::hash<std::string>{}(ours + theirs)) % 9'000'000'000'000'000'000ULL +
                                       1'000'000'000'000'000'000ULL);
  }

  std::string subject;
  const std::size_t n_words = 3 + r.below(8);
  for (std::size_t w = 0; w < n_words; ++w) {
    if (!subject.empty()) subject += ' ';
    subject += words[r.below(words.size())];
  }
  if (index % 7 == 3) subject += std::string(" ") + common_word;
  if (index % 5000 == 1234) subject += std::string(" ") + rare_word;
  if (index % 97 == 5) subject += std::string(" ") + unicode_word;
  if (*m.type == "SMS" || *m.type == "Pager") m.subject = subject;
  if (*m.type == "SMS") {
    core::attachment a;
    a.id = m.id;
    a.type = "Text";
    a.content_type = "text/plain";
    m.attachments = std::vector<core::attachment>{a};
  } else if (*m.type == "VoiceMail") {
    core::attachment a;
    a.id = "7" + m.id;
    a.type = "AudioRecording";
    a.content_type = "audio/mpeg";
    a.vm_duration = static_cast<std::int64_t>(5 + r.below(120));
    m.attachments = std::vector<core::attachment>{a};
    m.vm_transcription_status = "NotAvailable";
  } else if (*m.type == "Fax") {
    m.fax_page_count = static_cast<std::int64_t>(1 + r.below(9));
    m.fax_resolution = "High";
    m.attachments = std::vector<core::attachment>{};
  }
  m.extra["eventType"] = "Create";

  core::notification n;
  n.uuid = "ds-" + std::to_string(opts.seed) + "-" + m.id;
  n.kind = *m.type == "VoiceMail" ? core::event_kind::voicemail
           : *m.type == "Fax"     ? core::event_kind::fax
                                  : core::event_kind::instant_message;
  n.event = "/restapi/v1.0/account/~/extension/" + *m.owner_id + "/message-store/instant?type=" + *m.type;
  n.subscription_id = "sub-dataset";
  n.owner_id = m.owner_id;
  n.timestamp = *m.creation_time + 50;

  boost::json::object env{{"uuid", n.uuid},
                          {"event", n.event},
                          {"timestamp", core::format_iso8601(*n.timestamp)},
                          {"subscriptionId", *n.subscription_id},
                          {"ownerId", *n.owner_id},
                          {"body", record_json(m)}};
  n.raw = boost::json::serialize(env);
  n.msg = std::move(m);
  return n;
}

std::vector<core::notification> make_dataset(const dataset_options& opts, std::size_t count, std::size_t first) {
  std::vector<core::notification> out;
  out.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) out.push_back(make_notification(opts, i));
  return out;
}

}  // namespace rcvault::test
