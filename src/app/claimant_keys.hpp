#pragma once
// The keyed hash of an email address that claimants.email_key holds. The import computes it for
// its duplicate signals and the claimant search for its lookups, so both must agree byte for
// byte: this is the one place that says how.

#include <string>
#include <string_view>

#include "disburse/domain/customer_row.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app::detail {

// Keyed hashes are cut to 128 bits: ample for telling records apart, and half the index size.
inline constexpr std::size_t claimant_key_hex_length = 32;

inline std::string keyed_claimant_hash(const std::string& secret, std::string_view data) {
  return security::keyed_hash_hex(secret, data).substr(0, claimant_key_hex_length);
}

inline std::string email_key_secret(const security::SecretBox& secrets) {
  return secrets.derive_key("claimants.email_key.v1");
}

// Case, "+tag" addressing and Gmail dots are ignored (domain::normalize_email).
inline std::string claimant_email_key(const std::string& secret, std::string_view email) {
  return keyed_claimant_hash(secret, domain::normalize_email(email));
}

}  // namespace disburse::app::detail
