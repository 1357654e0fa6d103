#include "disburse/domain/portal_status.hpp"

#include <doctest/doctest.h>

using namespace disburse::domain;

namespace {

constexpr std::int64_t may_1_2024 = 1'714'521'600;

PortalPayment payment_in(PaymentState state, PaymentMethod method = PaymentMethod::paypal) {
  PortalPayment payment;
  payment.state = state;
  payment.method = method;
  payment.amount = Money::from_cents(4785);
  if (state != PaymentState::allocated && state != PaymentState::batched) {
    payment.submitted_at_epoch_seconds = may_1_2024;
  }
  return payment;
}

PortalFacts approved_with(std::optional<PortalPayment> payment) {
  PortalFacts facts;
  facts.payment = std::move(payment);
  return facts;
}

}  // namespace

TEST_CASE("a sent PayPal payment must be accepted within the program's PayPal window") {
  const PortalStatus status = decide_portal_status(approved_with(payment_in(PaymentState::submitted)));
  CHECK(status.next_step == NextStep::accept_paypal_by);
  REQUIRE(status.deadline_epoch_seconds.has_value());
  CHECK(*status.deadline_epoch_seconds == deadline_epoch_seconds(may_1_2024, 30));
  CHECK_FALSE(status.may_request_change);
}

TEST_CASE("a sent check must be cashed within the check window and ACH has no deadline") {
  const PortalStatus check =
      decide_portal_status(approved_with(payment_in(PaymentState::submitted, PaymentMethod::check)));
  CHECK(check.next_step == NextStep::cash_check_by);
  CHECK(*check.deadline_epoch_seconds == deadline_epoch_seconds(may_1_2024, 90));
  const PortalStatus ach =
      decide_portal_status(approved_with(payment_in(PaymentState::submitted, PaymentMethod::ach)));
  CHECK(ach.next_step == NextStep::wait_for_bank_deposit);
  CHECK_FALSE(ach.deadline_epoch_seconds.has_value());
}

TEST_CASE("customers may change how they are paid only before batching or after the money came back") {
  CHECK(customer_may_change_payment(ClaimState::approved, std::nullopt));
  CHECK(customer_may_change_payment(ClaimState::approved, payment_in(PaymentState::allocated)));
  for (const PaymentState state : {PaymentState::batched, PaymentState::submitted,
                                   PaymentState::unclaimed, PaymentState::paid,
                                   PaymentState::reissued, PaymentState::pooled}) {
    CAPTURE(to_string(state));
    CHECK_FALSE(customer_may_change_payment(ClaimState::approved, payment_in(state)));
  }
  for (const PaymentState state : {PaymentState::expired, PaymentState::returned,
                                   PaymentState::failed, PaymentState::voided}) {
    CAPTURE(to_string(state));
    CHECK(customer_may_change_payment(ClaimState::approved, payment_in(state)));
    CHECK(decide_portal_status(approved_with(payment_in(state))).next_step ==
          NextStep::request_reissue);
  }
  CHECK_FALSE(customer_may_change_payment(ClaimState::pending_review, std::nullopt));
  CHECK_FALSE(customer_may_change_payment(ClaimState::denied, std::nullopt));
}

TEST_CASE("claims under review, deficient or denied say so before anything about payments") {
  PortalFacts facts = approved_with(payment_in(PaymentState::submitted));
  facts.claim_state = ClaimState::pending_review;
  CHECK(decide_portal_status(facts).next_step == NextStep::wait_for_review);
  facts.claim_state = ClaimState::deficient;
  facts.cure_deadline_epoch_seconds = may_1_2024;
  const PortalStatus deficient = decide_portal_status(facts);
  CHECK(deficient.next_step == NextStep::respond_by_deadline);
  CHECK(deficient.deadline_epoch_seconds == may_1_2024);
  facts.claim_state = ClaimState::denied;
  CHECK(decide_portal_status(facts).next_step == NextStep::not_eligible);
}

TEST_CASE("a pending change request is what the page shows next, paid payments need nothing") {
  PortalFacts facts = approved_with(payment_in(PaymentState::expired));
  facts.change_request_pending = true;
  CHECK(decide_portal_status(facts).next_step == NextStep::wait_for_reissue);
  CHECK(decide_portal_status(approved_with(payment_in(PaymentState::paid))).next_step ==
        NextStep::nothing_to_do);
  CHECK(decide_portal_status(approved_with(std::nullopt)).next_step == NextStep::wait_for_payment);
}

TEST_CASE("last names match ignoring case and spacing, and never when empty") {
  CHECK(last_name_matches("  lopez ", "Lopez"));
  CHECK(last_name_matches("DE LA  CRUZ", "de la Cruz"));
  CHECK_FALSE(last_name_matches("Lopes", "Lopez"));
  CHECK_FALSE(last_name_matches("", ""));
  CHECK_FALSE(last_name_matches("Lope", "Lopez"));
}
