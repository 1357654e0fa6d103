#include "disburse/domain/reconciliation.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace disburse::domain;

namespace {

using S = PaymentState;
using O = ReportedOutcome;
using R = ReconcileOutcome;
using E = PaymentEvent;

Money cents(std::int64_t amount) {
  return Money::from_cents(amount);
}

const Money payment_amount = cents(4'785);

PaymentSnapshot payment_in(PaymentState state, PaymentMethod method = PaymentMethod::paypal) {
  return {state, payment_amount, "USD", method};
}

ResultLine line_reporting(ReportedOutcome outcome) {
  return {outcome, payment_amount, "USD", false, false};
}

ReconcileDecision apply(PaymentEvent event) {
  return {R::applied, event};
}
ReconcileDecision report(ReconcileOutcome outcome) {
  return {outcome, std::nullopt};
}

const ReconcileDecision contradicting = report(R::contradicting);
const ReconcileDecision unchanged = report(R::unchanged);
const ReconcileDecision pending = report(R::ignored_pending);

struct DecisionRow {
  PaymentState state;
  // Columns in the order of all_reported_outcomes: paid, unclaimed, returned, reversed, failed,
  // stopped, pending.
  std::array<ReconcileDecision, 7> decisions;
};

// The decisions for a PayPal payment; ACH and checks differ in one cell (see below).
const std::vector<DecisionRow> paypal_table = {
    {S::allocated,
     {contradicting, contradicting, contradicting, contradicting, contradicting, contradicting,
      pending}},
    {S::batched,
     {contradicting, contradicting, contradicting, contradicting, contradicting, contradicting,
      pending}},
    {S::submitted,
     {apply(E::mark_paid), apply(E::mark_unclaimed), apply(E::mark_returned),
      apply(E::mark_returned), apply(E::mark_failed), apply(E::void_payment), pending}},
    {S::paid,
     {contradicting, unchanged, contradicting, apply(E::mark_returned), contradicting,
      contradicting, pending}},
    {S::unclaimed,
     {apply(E::mark_paid), unchanged, apply(E::mark_returned), apply(E::mark_returned),
      contradicting, apply(E::void_payment), pending}},
    {S::expired, {contradicting, unchanged, unchanged, unchanged, unchanged, unchanged, pending}},
    {S::returned, {contradicting, unchanged, unchanged, unchanged, unchanged, unchanged, pending}},
    {S::failed,
     {contradicting, contradicting, unchanged, unchanged, unchanged, unchanged, pending}},
    {S::voided, {contradicting, unchanged, unchanged, unchanged, unchanged, unchanged, pending}},
    {S::reissued, {contradicting, unchanged, unchanged, unchanged, unchanged, unchanged, pending}},
    {S::pooled, {contradicting, unchanged, unchanged, unchanged, unchanged, unchanged, pending}},
};

ReconcileDecision expected_decision(const DecisionRow& row, std::size_t column,
                                    PaymentMethod method) {
  // A settled ACH credit can still come back: paid → returned is legal for ACH only.
  if (method == PaymentMethod::ach && row.state == S::paid &&
      all_reported_outcomes[column] == O::returned) {
    return apply(E::mark_returned);
  }
  return row.decisions[column];
}

constexpr std::int64_t day_seconds = 86'400;
constexpr std::int64_t sent_at = 1'713'340'800;  // 2024-04-17, when the Ring refunds went out.

}  // namespace

TEST_CASE("paypal statuses map to rail-neutral outcomes") {
  CHECK(map_paypal_status("SUCCESS") == O::paid);
  CHECK(map_paypal_status("UNCLAIMED") == O::unclaimed);
  CHECK(map_paypal_status("RETURNED") == O::returned);
  CHECK(map_paypal_status("FAILED") == O::failed);
  CHECK(map_paypal_status("BLOCKED") == O::failed);
  CHECK(map_paypal_status("REFUNDED") == O::reversed);
  CHECK(map_paypal_status("REVERSED") == O::reversed);
  CHECK(map_paypal_status("ONHOLD") == O::pending);
  CHECK(map_paypal_status("PENDING") == O::pending);
  CHECK(map_paypal_status("success") == O::paid);
  CHECK(map_paypal_status("Unclaimed") == O::unclaimed);
  CHECK_FALSE(map_paypal_status(""));
  CHECK_FALSE(map_paypal_status("DENIED"));
  CHECK_FALSE(map_paypal_status("SUCCESS "));
}

TEST_CASE("paid-check statuses map to paid or stopped") {
  CHECK(map_check_status("PAID") == O::paid);
  CHECK(map_check_status("STOPPED") == O::stopped);
  CHECK(map_check_status("VOIDED") == O::stopped);
  CHECK(map_check_status("voided") == O::stopped);
  CHECK_FALSE(map_check_status("CASHED"));
}

TEST_CASE("every NACHA return code from R01 to R85 is a return and nothing else is") {
  for (int number = 1; number <= 85; number++) {
    const std::string code = (number < 10 ? "R0" : "R") + std::to_string(number);
    CAPTURE(code);
    const std::optional<AchReturnReason> reason = classify_ach_return(code);
    REQUIRE(reason);
    CHECK(reason->code == code);
    CHECK_FALSE(reason->description.empty());
    CHECK(map_ach_return_code(code) == O::returned);
  }
  for (const char* not_a_code : {"R00", "R86", "R99", "r01", "R1", "R001", "X01", "", "R0A"}) {
    CAPTURE(not_a_code);
    CHECK_FALSE(classify_ach_return(not_a_code));
    CHECK_FALSE(map_ach_return_code(not_a_code));
  }
}

TEST_CASE("NACHA return codes are grouped by what finance does next") {
  CHECK(classify_ach_return("R02")->kind == AchReturnKind::account_data);
  CHECK(classify_ach_return("R03")->kind == AchReturnKind::account_data);
  CHECK(classify_ach_return("R04")->kind == AchReturnKind::account_data);
  CHECK(classify_ach_return("R15")->kind == AchReturnKind::payee);
  CHECK(classify_ach_return("R23")->kind == AchReturnKind::payee);
  CHECK(classify_ach_return("R24")->kind == AchReturnKind::entry_error);
  CHECK(classify_ach_return("R06")->kind == AchReturnKind::administrative);
  CHECK(classify_ach_return("R61")->kind == AchReturnKind::administrative);
  CHECK(classify_ach_return("R77")->kind == AchReturnKind::administrative);
  CHECK(classify_ach_return("R48")->kind == AchReturnKind::unassigned);
  CHECK(classify_ach_return("R03")->description == "No account or unable to locate account");
  CHECK(to_string(AchReturnKind::account_data) == "account_data");
}

TEST_CASE("every reported outcome for every payment state and rail gives the tabled decision") {
  REQUIRE(paypal_table.size() == all_payment_states.size());
  for (std::size_t row_index = 0; row_index < paypal_table.size(); row_index++) {
    const DecisionRow& row = paypal_table[row_index];
    REQUIRE(row.state == all_payment_states[row_index]);
    for (const PaymentMethod method : all_payment_methods) {
      for (std::size_t column = 0; column < all_reported_outcomes.size(); column++) {
        CAPTURE(to_string(row.state));
        CAPTURE(to_string(method));
        CAPTURE(to_string(all_reported_outcomes[column]));
        const ReconcileDecision decision = decide_reconciliation(
            payment_in(row.state, method), line_reporting(all_reported_outcomes[column]));
        CHECK(decision == expected_decision(row, column, method));
      }
    }
  }
}

TEST_CASE("every applied decision is a transition the payment state machine allows") {
  for (const PaymentState state : all_payment_states) {
    for (const PaymentMethod method : all_payment_methods) {
      for (const ReportedOutcome outcome : all_reported_outcomes) {
        const ReconcileDecision decision =
            decide_reconciliation(payment_in(state, method), line_reporting(outcome));
        CHECK((decision.outcome == R::applied) == decision.event.has_value());
        if (decision.event) CHECK(transition(state, *decision.event).ok());
      }
    }
  }
}

TEST_CASE("a late ACH return is applied but a returned PayPal payment or check after paid is not") {
  const ResultLine returned = line_reporting(O::returned);
  CHECK(decide_reconciliation(payment_in(S::paid, PaymentMethod::ach), returned) ==
        apply(E::mark_returned));
  CHECK(decide_reconciliation(payment_in(S::paid, PaymentMethod::paypal), returned) ==
        contradicting);
  CHECK(decide_reconciliation(payment_in(S::paid, PaymentMethod::check), returned) ==
        contradicting);
  CHECK(decide_reconciliation(payment_in(S::paid), line_reporting(O::failed)) == contradicting);
  CHECK(decide_reconciliation(payment_in(S::paid), line_reporting(O::reversed)) ==
        apply(E::mark_returned));
}

TEST_CASE("the checks run in order: reference, replay, duplicate, currency, amount, pending") {
  ResultLine everything_wrong{O::pending, cents(1), "EUR", true, true};
  CHECK(decide_reconciliation(std::nullopt, everything_wrong) == report(R::unknown_reference));
  const PaymentSnapshot payment = payment_in(S::submitted);
  CHECK(decide_reconciliation(payment, everything_wrong) == report(R::already_applied));
  everything_wrong.already_applied = false;
  CHECK(decide_reconciliation(payment, everything_wrong) == report(R::duplicate));
  everything_wrong.reference_seen_earlier_in_file = false;
  CHECK(decide_reconciliation(payment, everything_wrong) == report(R::currency_mismatch));
  everything_wrong.currency = "USD";
  CHECK(decide_reconciliation(payment, everything_wrong) == report(R::amount_mismatch));
  everything_wrong.amount = payment_amount;
  CHECK(decide_reconciliation(payment, everything_wrong) == report(R::ignored_pending));
}

TEST_CASE("a wrong amount is reported whatever the status and is never applied") {
  for (const ReportedOutcome outcome : all_reported_outcomes) {
    ResultLine line = line_reporting(outcome);
    line.amount = payment_amount + cents(1);
    CHECK(decide_reconciliation(payment_in(S::submitted), line) == report(R::amount_mismatch));
  }
}

TEST_CASE("importing the same result file twice applies nothing the second time") {
  // Three payments, one file: paid, unclaimed and returned. The adapter records the
  // fingerprint of each applied line; the second import sees them all as already applied.
  std::vector<PaymentSnapshot> payments = {payment_in(S::submitted), payment_in(S::submitted),
                                           payment_in(S::submitted)};
  const std::vector<ResultLine> file = {line_reporting(O::paid), line_reporting(O::unclaimed),
                                        line_reporting(O::returned)};
  std::set<std::size_t> applied_fingerprints;
  for (int import = 1; import <= 2; import++) {
    int applied = 0;
    for (std::size_t index = 0; index < file.size(); index++) {
      ResultLine line = file[index];
      line.already_applied = applied_fingerprints.count(index) > 0;
      const ReconcileDecision decision = decide_reconciliation(payments[index], line);
      if (decision.outcome != R::applied) {
        CHECK(decision.outcome == R::already_applied);
        continue;
      }
      applied++;
      payments[index].state = transition(payments[index].state, *decision.event).next;
      applied_fingerprints.insert(index);
    }
    CHECK(applied == (import == 1 ? 3 : 0));
  }
  CHECK(payments[0].state == S::paid);
  CHECK(payments[1].state == S::unclaimed);
  CHECK(payments[2].state == S::returned);
}

TEST_CASE("the same reference twice in one file counts once") {
  ResultLine second = line_reporting(O::paid);
  second.reference_seen_earlier_in_file = true;
  CHECK(decide_reconciliation(payment_in(S::submitted), second) == report(R::duplicate));
}

TEST_CASE("an older file read after a newer one changes nothing") {
  // The 30-day file said SUCCESS; the 2-day file, imported late, says UNCLAIMED.
  CHECK(decide_reconciliation(payment_in(S::paid), line_reporting(O::unclaimed)) == unchanged);
  // PayPal's RETURNED confirms what our expiry job already booked.
  CHECK(decide_reconciliation(payment_in(S::expired), line_reporting(O::returned)) == unchanged);
}

TEST_CASE("a payment paid twice from different lines is a contradiction") {
  CHECK(decide_reconciliation(payment_in(S::paid), line_reporting(O::paid)) == contradicting);
  CHECK(decide_reconciliation(payment_in(S::expired, PaymentMethod::check),
                              line_reporting(O::paid)) == contradicting);
}

TEST_CASE("a PayPal payment expires one second after its 30th day") {
  const std::int64_t deadline = sent_at + 30 * day_seconds;
  CHECK(expiry_deadline_epoch_seconds(PaymentMethod::paypal, sent_at, 30, 90) == deadline);
  CHECK_FALSE(is_expired(PaymentMethod::paypal, sent_at, sent_at, 30, 90));
  CHECK_FALSE(is_expired(PaymentMethod::paypal, sent_at, deadline - 1, 30, 90));
  CHECK_FALSE(is_expired(PaymentMethod::paypal, sent_at, deadline, 30, 90));
  CHECK(is_expired(PaymentMethod::paypal, sent_at, deadline + 1, 30, 90));
}

TEST_CASE("a check expires one second after its 90th day") {
  const std::int64_t deadline = sent_at + 90 * day_seconds;
  CHECK(expiry_deadline_epoch_seconds(PaymentMethod::check, sent_at, 30, 90) == deadline);
  CHECK_FALSE(is_expired(PaymentMethod::check, sent_at, sent_at + 30 * day_seconds + 1, 30, 90));
  CHECK_FALSE(is_expired(PaymentMethod::check, sent_at, deadline, 30, 90));
  CHECK(is_expired(PaymentMethod::check, sent_at, deadline + 1, 30, 90));
}

TEST_CASE("an ACH credit never expires") {
  CHECK_FALSE(expiry_deadline_epoch_seconds(PaymentMethod::ach, sent_at, 30, 90));
  CHECK_FALSE(is_expired(PaymentMethod::ach, sent_at, sent_at + 3'650 * day_seconds, 30, 90));
}

TEST_CASE("a second round is feasible only when the smallest share clears the minimum") {
  const Money minimum = cents(1'000);
  // 100 redeemers and exactly $10 each: feasible at the boundary.
  SecondRoundCheck check = check_second_round_equal_shares(cents(100'000), 100, minimum);
  CHECK(check.outcome == SecondRoundOutcome::feasible);
  CHECK(check.smallest_share == minimum);
  // One cent less and someone would get $9.99.
  check = check_second_round_equal_shares(cents(99'999), 100, minimum);
  CHECK(check.outcome == SecondRoundOutcome::not_feasible_below_minimum);
  CHECK(check.smallest_share == cents(999));
}

TEST_CASE("with weights the lightest redeemer decides feasibility") {
  const std::vector<std::uint64_t> weights = {78, 156, 312, 26};
  // W = 572; the lightest share is floor(pool · 26 / 572) = floor(pool / 22).
  SecondRoundCheck check = check_second_round(cents(22'000), weights, cents(1'000));
  CHECK(check.outcome == SecondRoundOutcome::feasible);
  CHECK(check.smallest_share == cents(1'000));
  check = check_second_round(cents(21'999), weights, cents(1'000));
  CHECK(check.outcome == SecondRoundOutcome::not_feasible_below_minimum);
  CHECK(check.smallest_share == cents(999));
}

TEST_CASE("a second round needs a pool, redeemers and at least a cent each") {
  const std::vector<std::uint64_t> no_weights;
  CHECK(check_second_round(Money(), std::vector<std::uint64_t>{1}, Money()).outcome ==
        SecondRoundOutcome::empty_pool);
  CHECK(check_second_round(cents(500), no_weights, Money()).outcome ==
        SecondRoundOutcome::no_redeemers);
  CHECK(check_second_round_equal_shares(cents(500), 0, Money()).outcome ==
        SecondRoundOutcome::no_redeemers);
  const SecondRoundCheck too_thin = check_second_round_equal_shares(cents(5), 10, Money());
  CHECK(too_thin.outcome == SecondRoundOutcome::not_feasible_below_minimum);
  CHECK(too_thin.smallest_share == Money());
  CHECK(check_second_round_equal_shares(cents(10), 10, Money()).outcome ==
        SecondRoundOutcome::feasible);
}

TEST_CASE("the Ring fund's largest weights do not overflow the feasibility arithmetic") {
  const std::vector<std::uint64_t> weights(117'044, 9'120'000'000ull);
  const SecondRoundCheck check = check_second_round(cents(580'000'000), weights, cents(1'000));
  CHECK(check.smallest_share == cents(580'000'000 / 117'044));
  CHECK(check.outcome == SecondRoundOutcome::feasible);
}

TEST_CASE("reconciliation names are stable") {
  CHECK(to_string(R::applied) == "applied");
  CHECK(to_string(R::already_applied) == "already_applied");
  CHECK(to_string(R::unknown_reference) == "unknown_reference");
  CHECK(to_string(R::amount_mismatch) == "amount_mismatch");
  CHECK(to_string(R::currency_mismatch) == "currency_mismatch");
  CHECK(to_string(R::duplicate) == "duplicate");
  CHECK(to_string(R::contradicting) == "contradicting");
  CHECK(to_string(R::unchanged) == "unchanged");
  CHECK(to_string(R::ignored_pending) == "ignored_pending");
  CHECK(to_string(O::reversed) == "reversed");
  CHECK(to_string(SecondRoundOutcome::not_feasible_below_minimum) == "not_feasible_below_minimum");
}
