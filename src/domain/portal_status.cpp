#include "disburse/domain/portal_status.hpp"

#include "disburse/domain/assert.hpp"
#include "disburse/domain/reconciliation.hpp"
#include "disburse/domain/text.hpp"

namespace disburse::domain {

namespace {

bool money_came_back(PaymentState state) {
  return state == PaymentState::expired || state == PaymentState::returned ||
         state == PaymentState::failed || state == PaymentState::voided;
}

PortalStatus status_of_sent_payment(const PortalFacts& facts, const PortalPayment& payment) {
  if (!payment.submitted_at_epoch_seconds) return {NextStep::wait_for_payment, std::nullopt, false};
  const std::optional<std::int64_t> expiry =
      expiry_deadline_epoch_seconds(payment.method, *payment.submitted_at_epoch_seconds,
                                    facts.paypal_window_days, facts.check_window_days);
  switch (payment.method) {
    case PaymentMethod::paypal:
      return {NextStep::accept_paypal_by, expiry, false};
    case PaymentMethod::check:
      return {NextStep::cash_check_by, expiry, false};
    case PaymentMethod::ach:
      return {NextStep::wait_for_bank_deposit, std::nullopt, false};
  }
  DISBURSE_ASSERT(false);
  return {};
}

PortalStatus status_of_payment(const PortalFacts& facts, const PortalPayment& payment) {
  switch (payment.state) {
    case PaymentState::allocated:
    case PaymentState::batched:
      return {NextStep::wait_for_payment, std::nullopt, payment.state == PaymentState::allocated};
    case PaymentState::submitted:
    case PaymentState::unclaimed:
      return status_of_sent_payment(facts, payment);
    case PaymentState::paid:
      return {NextStep::nothing_to_do, std::nullopt, false};
    case PaymentState::expired:
    case PaymentState::returned:
    case PaymentState::failed:
    case PaymentState::voided:
      return {NextStep::request_reissue, std::nullopt, true};
    case PaymentState::reissued:
    case PaymentState::pooled:
      return {NextStep::wait_for_reissue, std::nullopt, false};
  }
  DISBURSE_ASSERT(false);
  return {};
}

}  // namespace

std::string_view to_string(NextStep step) {
  switch (step) {
    case NextStep::wait_for_review: return "wait_for_review";
    case NextStep::respond_by_deadline: return "respond_by_deadline";
    case NextStep::not_eligible: return "not_eligible";
    case NextStep::wait_for_payment: return "wait_for_payment";
    case NextStep::accept_paypal_by: return "accept_paypal_by";
    case NextStep::cash_check_by: return "cash_check_by";
    case NextStep::wait_for_bank_deposit: return "wait_for_bank_deposit";
    case NextStep::nothing_to_do: return "nothing_to_do";
    case NextStep::request_reissue: return "request_reissue";
    case NextStep::wait_for_reissue: return "wait_for_reissue";
  }
  DISBURSE_ASSERT(false);
  return {};
}

bool customer_may_change_payment(ClaimState claim_state,
                                 const std::optional<PortalPayment>& payment) {
  if (claim_state != ClaimState::approved) return false;
  if (!payment) return true;
  return payment->state == PaymentState::allocated || money_came_back(payment->state);
}

PortalStatus decide_portal_status(const PortalFacts& facts) {
  switch (facts.claim_state) {
    case ClaimState::pending_review:
      return {NextStep::wait_for_review, std::nullopt, false};
    case ClaimState::deficient:
      return {NextStep::respond_by_deadline, facts.cure_deadline_epoch_seconds, false};
    case ClaimState::denied:
      return {NextStep::not_eligible, std::nullopt, false};
    case ClaimState::approved:
      break;
  }
  const bool may_change = customer_may_change_payment(facts.claim_state, facts.payment);
  if (facts.change_request_pending && may_change) {
    return {NextStep::wait_for_reissue, std::nullopt, true};
  }
  if (!facts.payment) return {NextStep::wait_for_payment, std::nullopt, true};
  return status_of_payment(facts, *facts.payment);
}

bool last_name_matches(std::string_view typed, std::string_view on_file) {
  const std::string left = to_ascii_lower(collapse_whitespace(typed));
  const std::string right = to_ascii_lower(collapse_whitespace(on_file));
  if (left.empty() || left.size() != right.size()) return false;
  unsigned difference = 0;
  for (std::size_t index = 0; index < left.size(); index++) {
    difference |= static_cast<unsigned>(static_cast<unsigned char>(left[index]) ^
                                        static_cast<unsigned char>(right[index]));
  }
  return difference == 0;
}

}  // namespace disburse::domain
