#pragma once
// Test helpers: load a configuration and take its error message or its value.

#include "rcvault/config/load.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rcvault::test {

// The error message of loading `request`, or "(no error)" when it loads.
inline std::string error_of(const config::load_request& request) {
  auto r = config::load(request);
  return r ? std::string("(no error)") : r.error().message;
}

// The configuration `request` loads to; a test failure (and a default
// configuration) when it does not load.
inline config::config load_ok(const config::load_request& request) {
  auto r = config::load(request);
  if (!r) ADD_FAILURE() << r.error().message;
  return r ? *r : config::config{};
}

}  // namespace rcvault::test
