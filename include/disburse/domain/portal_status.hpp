#pragma once
// What the customer portal tells a claimant (issue 7): the one next step that matters, its
// deadline, and whether the claimant may still change how they are paid. Pure: the adapter
// passes the facts and the current time; nothing here reads a clock or a database.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "disburse/domain/claim_state.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_method.hpp"
#include "disburse/domain/payment_state.hpp"

namespace disburse::domain {

// The claimant's latest payment attempt, as the portal shows it.
struct PortalPayment {
  std::int64_t payment_id = 0;
  PaymentState state = PaymentState::allocated;
  PaymentMethod method = PaymentMethod::paypal;
  Money amount;
  std::string currency = "USD";
  int round = 1;
  int attempt = 1;
  std::optional<std::int64_t> submitted_at_epoch_seconds;
  std::optional<std::int64_t> paid_at_epoch_seconds;
};

struct PortalFacts {
  ClaimState claim_state = ClaimState::approved;
  std::optional<std::int64_t> cure_deadline_epoch_seconds;
  std::optional<PortalPayment> payment;
  std::int64_t paypal_window_days = 30;
  std::int64_t check_window_days = 90;
  bool change_request_pending = false;
};

enum class NextStep : std::uint8_t {
  wait_for_review,        // pending_review
  respond_by_deadline,    // deficient: cure before the deadline
  not_eligible,           // denied
  wait_for_payment,       // approved, no payment yet, or allocated/batched
  accept_paypal_by,       // PayPal sent: accept it by the deadline
  cash_check_by,          // check sent: cash it by the deadline
  wait_for_bank_deposit,  // ACH sent
  nothing_to_do,          // paid
  request_reissue,        // expired, returned, failed or voided: ask for a check or fix details
  wait_for_reissue,       // a change was requested, or the payment was reissued
};

// "wait_for_review", "accept_paypal_by", …: stable codes for the JSON API and the messages.
std::string_view to_string(NextStep step);

struct PortalStatus {
  NextStep next_step = NextStep::wait_for_review;
  // The date that goes with the step: the cure deadline, or when an unaccepted payment expires.
  std::optional<std::int64_t> deadline_epoch_seconds;
  // Whether the page offers the change form (see customer_may_change_payment).
  bool may_request_change = false;
};

// Whether a customer may still ask for a check or correct their details: before the payment is
// batched (no payment yet, or allocated) or after its money came back (expired, returned,
// failed, voided). Once batched, the file may be on its way to the provider, so a change would
// race it.
bool customer_may_change_payment(ClaimState claim_state, const std::optional<PortalPayment>& payment);

PortalStatus decide_portal_status(const PortalFacts& facts);

// Whether the customer's typed last name matches the one on file: trimmed, inner whitespace
// collapsed, ASCII case ignored. Compares every byte of equal-length inputs, so that the time
// taken tells little about how much matched.
bool last_name_matches(std::string_view typed, std::string_view on_file);

}  // namespace disburse::domain
