#pragma once
// A payment's idempotency key and provider reference (DESIGN.md "Payment"): derived from
// (program, round, claimant, attempt), so that the same payment always has the same reference
// and a reissue (attempt N+1) never collides with the original. It fits the narrowest field it
// travels in: the NACHA entry's 15-character individual identification number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace disburse::domain {

struct PaymentKey {
  std::int64_t program_id = 0;
  int round = 0;
  std::int64_t claimant_id = 0;
  int attempt = 0;
  friend bool operator==(const PaymentKey&, const PaymentKey&) = default;
};

inline constexpr std::size_t payment_reference_max_length = 15;

// "D" then the four numbers in Crockford base-32, separated by '-': "D1-1-3ZBM-1". Asserts the
// numbers are in range (program < 32^3, round and attempt < 32, claimant < 32^6).
std::string payment_reference(const PaymentKey& key);

// The key back from a reference, or nothing when the text is not one.
std::optional<PaymentKey> parse_payment_reference(std::string_view reference);

}  // namespace disburse::domain
