// libFuzzer target over everything ingest does with untrusted bytes: envelope
// and record parsing, normalisation, classification and import splitting.
// Crashes, sanitizer reports and broken invariants (renormalise must equal the
// first parse; times must round-trip) all abort.
#include "rcvault/core/time.hpp"
#include "rcvault/ingest/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_times(const rcvault::core::message& m) {
  for (const auto& t : {m.creation_time, m.last_modified_time, m.sms_delivery_time})
    if (t) require(rcvault::core::parse_iso8601(rcvault::core::format_iso8601(*t)) == *t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rcvault;
  std::string_view raw(reinterpret_cast<const char*>(data), size);

  if (auto n = ingest::parse_envelope(raw)) {
    require(n->raw == raw);
    require(!n->uuid.empty());
    require(!(n->msg && n->unnormalised_reason));
    require(ingest::renormalise(n->kind, raw) == n->msg);
    if (n->msg) check_times(*n->msg);
  }
  if (auto r = ingest::parse_record(raw)) {
    require(r->kind == core::event_kind::api_record);
    require(ingest::renormalise(core::event_kind::api_record, raw) == r->msg);
    if (r->msg) check_times(*r->msg);
  }
  (void)ingest::classify(raw, (size & 1) != 0);
  std::size_t last_line = 0;
  ingest::for_each_import_item(raw, [&](core::result<core::notification>, std::size_t line) {
    require(line >= 1 && line >= last_line);
    last_line = line;
  });
  if (auto t = core::parse_iso8601(raw, (size & 2) != 0)) require(core::parse_iso8601(core::format_iso8601(*t)) == *t);
  return 0;
}
