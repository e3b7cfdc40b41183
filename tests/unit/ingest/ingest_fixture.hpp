#pragma once
// Loading fixture payloads through the parser under test.

#include "rcvault/ingest/parse.hpp"
#include "temp_dir.hpp"

#include <string>

namespace rcvault::test {

// Text of tests/fixtures/ingest/<name>.
inline std::string ingest_fixture_text(const std::string& name) { return read_file(fixture_path("ingest/" + name)); }

// parse_envelope of tests/fixtures/ingest/<name>.
inline core::result<core::notification> ingest_fixture(const std::string& name) {
  return ingest::parse_envelope(ingest_fixture_text(name));
}

// parse_envelope of one shared example payload.
inline core::result<core::notification> shared_envelope(const std::string& name) {
  return ingest::parse_envelope(read_file(shared_payload_path(name)));
}

// The message of a fixture that must normalise; fails the test otherwise.
inline core::message normalised_fixture(const std::string& name) {
  auto n = ingest_fixture(name);
  if (!n) throw std::runtime_error(name + ": " + n.error().message);
  if (!n->msg) throw std::runtime_error(name + ": unnormalised: " + n->unnormalised_reason.value_or("?"));
  return *n->msg;
}

}  // namespace rcvault::test
