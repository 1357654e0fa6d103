#pragma once
// A claim as the administrator sees it (issue 7): the claimant's claim state, review flags and
// cure deadline, their personal data (masked unless revealed) and the claim's history.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/claim_state.hpp"

namespace disburse::domain {

struct ClaimantPersonalData {
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string address1;
  std::string address2;
  std::string city;
  std::string state;
  std::string postal_code;
};

struct Claim {
  std::int64_t claimant_id = 0;
  std::int64_t program_id = 0;
  std::string claim_number;
  std::string customer_id;
  ClaimState state = ClaimState::approved;
  std::vector<std::string> review_flags;
  std::optional<std::int64_t> cure_deadline_epoch_seconds;
  std::string payment_method;
  ClaimantPersonalData personal;
  bool purged = false;
};

// One line of a claim's history: a claim transition, a payment transition or a change request
// from the portal, in the order they happened.
struct ClaimHistoryEntry {
  std::string kind;  // "claim", "payment", "change_request"
  std::int64_t occurred_at_epoch_seconds = 0;
  std::int64_t subject_id = 0;  // The claim event, payment or change request id.
  std::string from_state;
  std::string to_state;
  std::string reason;  // The reason code, or the change request's kind.
  std::string actor;
};

// What a verified customer asked for on the portal, for an administrator to apply.
struct CustomerChangeRequest {
  std::int64_t id = 0;
  std::string kind;   // switch_to_check | mailing_address | paypal_email
  std::string state;  // pending | applied | rejected
  std::int64_t created_at_epoch_seconds = 0;
  std::string details_sealed;  // The new address or email, sealed; empty for a check.
};

}  // namespace disburse::domain
