#pragma once
// Claims: the claimant rows' claim columns, claim events and a claim's history (issue 7).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/claim.hpp"
#include "disburse/domain/customer_row.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct ClaimFilter {
  std::int64_t program_id = 0;
  std::optional<domain::ClaimState> state;
  std::optional<std::string> review_flag;
  std::int64_t after_claimant_id = 0;  // Keyset paging: claims with a larger id.
  int limit = 100;
  // Search (indexes from migrations 0002 and 0007).
  std::optional<std::string> claim_number;      // Canonical.
  std::optional<std::string> last_name_prefix;  // Any case; LIKE's wildcards are matched as text.
  std::optional<std::string> email_key;         // claimants.email_key of the address searched.
  std::optional<std::string> zip5;
};

std::optional<domain::Claim> find_claim(Transaction& transaction, const std::string& claim_number);
// The same, locking the claimant row until the transaction ends, so that two reviewers deciding
// one claim at once are serialised and the second sees the first's decision.
std::optional<domain::Claim> lock_claim(Transaction& transaction, const std::string& claim_number);
// Claims in claimant id order.
std::vector<domain::Claim> list_claims(Transaction& transaction, const ClaimFilter& filter);

struct ClaimStateChange {
  std::int64_t claimant_id = 0;
  domain::ClaimState from = domain::ClaimState::pending_review;
  domain::ClaimState to = domain::ClaimState::pending_review;
  std::optional<std::int64_t> cure_deadline_epoch_seconds;  // Set for deficient, else cleared.
  std::string reason;
  std::string actor;
  std::int64_t occurred_at_epoch_seconds = 0;
};

// Writes the new state and its claim_events row; returns the event id.
std::int64_t record_claim_state_change(Transaction& transaction, const ClaimStateChange& change);

// Deficient claims whose cure deadline is before `now`, locked and skipping rows another
// runner holds, at most `limit`.
std::vector<domain::Claim> lock_claims_past_cure_deadline(Transaction& transaction,
                                                          std::int64_t now_epoch_seconds, int limit);

// Claim events, payment events and portal change requests of one claimant, oldest first.
std::vector<domain::ClaimHistoryEntry> claim_history(Transaction& transaction,
                                                     std::int64_t claimant_id);

// The portal change requests of one claimant, oldest first.
std::vector<domain::CustomerChangeRequest> list_change_requests(Transaction& transaction,
                                                                std::int64_t claimant_id);

// Sets the claimant's mailing address (a check's destination) and its duplicate-signal key.
// Throws NotFound when the claimant is gone or purged.
void update_mailing_address(Transaction& transaction, std::int64_t claimant_id,
                            const domain::MailingAddress& address, const std::string& address_key);

}  // namespace disburse::pg
