#pragma once
// Claims tracking (issue 7): the review queue, a claim's detail and history, review decisions
// and the cure-deadline sweep. Each use case is called by both the CLI and the HTTP API.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/domain/claim.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

struct ClaimListRequest {
  std::int64_t program_id = 0;
  std::optional<std::string> state;        // "pending_review" for the review queue.
  std::optional<std::string> review_flag;  // "duplicate_email", …
  int limit = 100;
  std::optional<std::string> cursor;  // The next_cursor of the previous page.
  bool reveal = false;
  // Search: each given field narrows the list further. Every one is served by an index.
  std::optional<std::string> claim_number;  // The whole number, with its check character.
  std::optional<std::string> last_name;     // A prefix of 2 or more characters, any letter case.
  std::optional<std::string> email;         // The whole address; case, +tags, Gmail dots ignored.
  std::optional<std::string> zip;           // 12345 or 12345-6789, matched on the five digits.
};

struct ClaimPage {
  std::vector<domain::Claim> items;
  std::optional<std::string> next_cursor;  // None on the last page.
  bool revealed = false;
};

// Masked unless `reveal`; revealing needs Permission::reveal_personal_data and appends one
// audit record per claimant shown, in the transaction that read them.
// Searching by name, email or ZIP looks people up by their personal data, so it is recorded too:
// one `claimant.search` audit record per page naming the fields searched, a keyed hash of the
// terms (never the terms: an operator holding the service key can test whether a given term was
// searched) and the number of claims found. A search by claim number alone is not recorded.
ClaimPage list_claims(pg::Database& database, const security::SecretBox& secrets,
                      const Actor& actor, const ClaimListRequest& request);

struct ChangeRequestDetail {
  domain::CustomerChangeRequest request;
  std::string details_json;  // The opened details when revealed, else empty.
};

struct ClaimDetail {
  domain::Claim claim;
  std::vector<domain::ClaimHistoryEntry> history;
  std::vector<ChangeRequestDetail> change_requests;
  bool revealed = false;
};

// Throws NotFound; InvalidInput with the portal's typo message for a mistyped claim number.
// Revealing also opens the sealed details of the claimant's change requests.
ClaimDetail show_claim(pg::Database& database, const security::SecretBox& secrets,
                       const Actor& actor, const std::string& claim_number, bool reveal);

struct DecisionResult {
  domain::Claim claim;
  bool changed = false;  // False when the claim already was in the decided state.
};

// approve | deny | deficient | cure, with a reason code such as "identity_verified". Runs in the
// caller's transaction (the API stores its idempotent response with it). Throws Conflict for a
// decision the claim's state does not allow.
DecisionResult decide_claim(pg::Transaction& transaction, const Actor& actor,
                            const std::string& claim_number, const std::string& decision,
                            const std::string& reason, std::int64_t now_epoch_seconds);

// Denies deficient claims whose cure deadline passed before `now`, at most `limit` per call,
// each with its claim event and audit record. Returns how many it denied.
int deny_claims_past_cure_deadline(pg::Database& database, std::int64_t now_epoch_seconds,
                                   int limit);

// The wall clock, for callers that are not tests.
std::int64_t current_epoch_seconds();

// The canonical claim number, or InvalidInput with the customer-facing typo message.
std::string canonical_claim_number(const std::string& input);

}  // namespace disburse::app
