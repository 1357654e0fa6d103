#pragma once
// The customer portal's reads and writes (issue 7): what a status lookup finds (the lookup
// itself is portal_lookups.hpp), the shared failed-lookup counters and customers' change
// requests.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/portal_status.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct RateLimitSettings {
  int max_failures = 10;
  int window_seconds = 15 * 60;
};

// What the portal knows about one verified claim.
struct PortalClaim {
  std::int64_t claimant_id = 0;
  std::int64_t program_id = 0;
  std::string program_name;
  std::string claim_number;
  std::string last_name;  // Only compared, never shown.
  domain::PortalFacts facts;
  std::optional<std::string> pending_change_kind;
  std::optional<std::int64_t> pending_change_at_epoch_seconds;
  // Street, city and state on file: the page shows the street masked, so that a customer asking
  // for a check can tell whether the address is current.
  std::vector<std::string> mailing_address;
  // The program no longer pays: the page says so instead of promising a payment.
  bool program_closed = false;
};

struct PortalLookup {
  // Set when one of the buckets is over its limit; the claim is then not looked up at all.
  std::optional<int> retry_after_seconds;
  std::optional<PortalClaim> claim;  // None for a wrong claim number or ZIP alike.
  // No claim, but the claim number is one of a purged program (whose ZIPs are erased).
  bool program_purged = false;
};

// Counts one failed lookup in every bucket, opening a new window where the old one ended.
void record_lookup_failure(Transaction& transaction, const std::vector<std::string>& buckets,
                           const RateLimitSettings& limits);

struct ChangeRequestRecord {
  std::int64_t id = 0;
  std::int64_t created_at_epoch_seconds = 0;
};

ChangeRequestRecord insert_change_request(Transaction& transaction, std::int64_t claimant_id,
                                          std::optional<std::int64_t> payment_id,
                                          const std::string& kind,
                                          const std::optional<std::string>& details_sealed);

// Takes the claimant's row lock, so that two change requests of one claimant are serialised.
void lock_claimant(Transaction& transaction, std::int64_t claimant_id);

// The names of programs still paying or being set up, for the portal's landing page.
std::vector<std::string> list_open_program_names(Transaction& transaction);

// Deletes counters whose window ended; returns how many.
std::int64_t delete_expired_rate_limits(Transaction& transaction, const RateLimitSettings& limits);

}  // namespace disburse::pg
