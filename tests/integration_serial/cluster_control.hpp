#pragma once
// Stopping and starting the test cluster itself (ops/test exports DISBURSE_TEST_DEV_DB), for the
// tests that ctest runs alone.

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

namespace disburse::testing {

// `action` is "stop" or "start"; both wait until the cluster has stopped or accepts connections.
inline void dev_db(const std::string& action) {
  const char* script = std::getenv("DISBURSE_TEST_DEV_DB");
  REQUIRE(script != nullptr);
  REQUIRE(std::system((std::string(script) + " " + action + " >/dev/null").c_str()) == 0);
}

}  // namespace disburse::testing
