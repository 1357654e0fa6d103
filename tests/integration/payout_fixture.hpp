#pragma once
// A program with an approved allocation run and `allocated` payments, written with direct SQL
// the way the allocation use case leaves them (one ledger entry ledger::allocate(total)), so
// that payout tests need neither the import nor the allocation code. Also helpers to run the
// CLI as a killable child process and to assert the payout invariants.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support.hpp"

namespace disburse::testing {

struct PayoutFixtureOptions {
  std::int64_t paypal = 0;  // Payments whose claimant has what the rail needs.
  std::int64_t check = 0;
  std::int64_t ach = 0;
  // Per method, further payments whose claimant lacks what the rail needs (no email, no
  // address, no bank account): no batch may take them.
  std::int64_t unpayable_per_method = 0;
  std::string name = "FTC v. Ring";
};

struct PayoutFixture {
  std::int64_t program_id = 0;
  std::int64_t run_id = 0;
  std::int64_t payments = 0;
  std::int64_t total_cents = 0;
};

PayoutFixture seed_payouts(TestDatabase& database, const PayoutFixtureOptions& options);

// The plain bank data the fixture sealed for the n-th ACH claimant (counted from 1).
std::string fixture_routing_number();
std::string fixture_account_number(std::int64_t claimant_index);

// Starts `disburse ARGUMENTS` as a child process (output discarded) with DATABASE_URL, the
// test key file and `environment` set; returns its pid.
pid_t spawn_disburse(const TestDatabase& database, const std::vector<std::string>& arguments,
                     const std::map<std::string, std::string>& environment = {});
// Waits for the child and returns its exit code, or 128 + signal.
int wait_for(pid_t pid);

// The environment that authenticates --as NAME without standard input.
std::map<std::string, std::string> password_environment(const std::string& name);

// Checks, with doctest CHECKs, what must hold after any crash: `disburse check` is green, no
// payment was lost, every payment is in at most one live batch and each batch's items and
// total equal its payments.
void check_payout_invariants(TestDatabase& database, const PayoutFixture& fixture);

}  // namespace disburse::testing
