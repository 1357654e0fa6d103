#pragma once
// Claimants and payments written with direct SQL, for the portal and claims tests: the import,
// allocation and batch issues build the real paths in parallel.

#include <cstdint>
#include <string>
#include <vector>

#include "support.hpp"

namespace disburse::testing {

struct ClaimantSpec {
  std::string first_name = "Maria";
  std::string last_name = "Lopez";
  std::string email = "maria.lopez@example.com";
  std::string address1 = "123 Main St";
  std::string city = "San Francisco";
  std::string state = "CA";
  std::string postal_code = "94105";
  std::string claim_state = "approved";
  std::vector<std::string> review_flags;
  std::string payment_method = "paypal";
};

struct SeededClaimant {
  std::int64_t id = 0;
  std::string claim_number;
  std::string zip5;
  std::string last_name;
};

struct PaymentSpec {
  std::string state = "submitted";
  std::string method = "paypal";
  std::int64_t amount_cents = 4785;
  int attempt = 1;
  // Seconds since the epoch; 0 leaves submitted_at empty.
  std::int64_t submitted_at_epoch_seconds = 1'714'521'600;  // 2024-05-01
};

// A program with default windows (PayPal 30 days, checks 90, cure 30) and one allocation run
// that payments can point to.
std::int64_t seed_program(TestDatabase& database, const std::string& name = "FTC v. Ring");
SeededClaimant seed_claimant(TestDatabase& database, std::int64_t program_id,
                             const ClaimantSpec& spec = {});
std::int64_t seed_payment(TestDatabase& database, const SeededClaimant& claimant,
                          const PaymentSpec& spec = {});

// A valid claim number that no seeded claimant has.
std::string unused_claim_number();
// The same claim number with its check character changed: a typo.
std::string with_typo(const std::string& claim_number);

}  // namespace disburse::testing
