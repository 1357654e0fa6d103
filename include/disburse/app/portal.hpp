#pragma once
// The customer portal's use cases (issue 7): the status lookup by claim number and ZIP, and
// verified customers' change requests. Called by the HTML portal and the JSON API alike.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/app/config.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/domain/portal_status.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/pg/portal_lookups.hpp"
#include "disburse/pg/portal_repository.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

struct StatusQuery {
  std::string claim_number;  // As typed.
  std::string zip;           // As typed: "94105" or "94105-1234".
  std::string client_address;
};

enum class LookupOutcome {
  found,
  invalid_claim_number,  // Caught by the check character; nothing was looked up.
  invalid_zip,           // Not a ZIP code; nothing was looked up.
  not_found,             // Wrong claim number or wrong ZIP: one answer for both.
  program_purged,        // A claim number of a purged program: nothing else is left to show.
};

struct StatusResult {
  LookupOutcome outcome = LookupOutcome::not_found;
  domain::ClaimNumberCheck claim_number_check = domain::ClaimNumberCheck::ok;
  std::optional<pg::PortalClaim> claim;  // Set when found.
  domain::PortalStatus status;
};

// Throws RateLimited when the client address or the claim number has used up its failures.
// A not_found answer counts one failure against both.
StatusResult look_up_status(pg::Database& database, pg::PortalLookups& lookups,
                            const security::SecretBox& secrets, const StatusQuery& query);

struct ChangeRequestInput {
  StatusQuery who;
  std::string last_name;
  std::string kind;  // switch_to_check | mailing_address | paypal_email
  std::string paypal_email;
  std::string address1;
  std::string address2;
  std::string city;
  std::string state;
  std::string postal_code;
};

enum class ChangeOutcome {
  recorded,
  invalid_claim_number,
  invalid_zip,
  not_verified,     // Wrong claim number, ZIP or last name: one answer for all three.
  not_allowed_now,  // The payment is batched or on its way, or the claim is not approved.
};

struct ChangeResult {
  ChangeOutcome outcome = ChangeOutcome::not_verified;
  StatusResult status;
  std::int64_t change_request_id = 0;
};

// Verifies claim number, ZIP and last name, checks that the payment may still change, and
// records the request (details sealed) with its audit record. Throws InvalidInput for a
// malformed email or address, RateLimited like look_up_status.
ChangeResult request_change(pg::Database& database, pg::PortalLookups& lookups,
                            const security::SecretBox& secrets, const ChangeRequestInput& input);

// The names of the programs the landing page describes.
std::vector<std::string> open_program_names(pg::Database& database);

// DISBURSE_PORTAL_MAX_FAILURES (default 10, 1..1000) and DISBURSE_PORTAL_WINDOW_SECONDS
// (default 900, 10..86400), checked at startup like every other limit. Throws InvalidInput.
pg::RateLimitSettings load_rate_limit_settings(const EnvironmentLookup& lookup);

}  // namespace disburse::app
