#pragma once
// Claimants inserted straight into the database, for tests that need a program's claims without
// going through an import: realistic device types, account ages and payment methods, the same
// for the same seed.

#include <cstdint>
#include <string>
#include <vector>

#include "support.hpp"

namespace disburse::testing {

struct FixtureClaimant {
  std::int64_t id = 0;
  std::string claim_number;  // A valid claim number, with its check character.
  std::string device_type;   // One of the default Ring rule's device types.
  int account_months = 0;    // 1 to 96, so that some exceed the rule's 60-month cap.
  std::string payment_method;
};

// Inserts `count` approved claimants into the program and returns them in id order.
std::vector<FixtureClaimant> insert_claimants(TestDatabase& database, std::int64_t program_id,
                                              int count, std::uint64_t seed);

// One more approved claimant with the given device type (which may be unknown to the rule).
FixtureClaimant insert_claimant(TestDatabase& database, std::int64_t program_id,
                                const std::string& device_type, int account_months);

}  // namespace disburse::testing
