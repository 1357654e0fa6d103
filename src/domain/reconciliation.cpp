#include "disburse/domain/reconciliation.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/program_state.hpp"

namespace disburse::domain {

namespace {

using State = PaymentState;
using Kind = AchReturnKind;

constexpr std::array<std::string_view, 7> reported_outcome_names = {
    "paid", "unclaimed", "returned", "reversed", "failed", "stopped", "pending"};
constexpr std::array<std::string_view, 9> reconcile_outcome_names = {
    "applied",   "already_applied", "unknown_reference", "amount_mismatch", "currency_mismatch",
    "duplicate", "contradicting",   "unchanged",         "ignored_pending"};
constexpr std::array<std::string_view, 5> ach_return_kind_names = {
    "account_data", "payee", "entry_error", "administrative", "unassigned"};

// NACHA return reason codes R01–R85, in order, so that code Rnn sits at index nn − 1.
constexpr std::array<AchReturnReason, 85> ach_return_reasons = {{
    {"R01", "Insufficient funds", Kind::payee},
    {"R02", "Account closed", Kind::account_data},
    {"R03", "No account or unable to locate account", Kind::account_data},
    {"R04", "Invalid account number", Kind::account_data},
    {"R05", "Unauthorized debit to a consumer account with a corporate SEC code", Kind::payee},
    {"R06", "Returned at the ODFI's request", Kind::administrative},
    {"R07", "Authorization revoked by the customer", Kind::payee},
    {"R08", "Payment stopped", Kind::payee},
    {"R09", "Uncollected funds", Kind::payee},
    {"R10", "Customer advises the entry is unauthorized", Kind::payee},
    {"R11", "Customer advises the entry does not match the authorization", Kind::payee},
    {"R12", "Account sold to another financial institution", Kind::account_data},
    {"R13", "Invalid ACH routing number", Kind::account_data},
    {"R14", "Representative payee deceased or unable to continue", Kind::payee},
    {"R15", "Beneficiary or account holder deceased", Kind::payee},
    {"R16", "Account frozen or entry returned per OFAC instruction", Kind::payee},
    {"R17", "File record edit criteria", Kind::entry_error},
    {"R18", "Improper effective entry date", Kind::entry_error},
    {"R19", "Amount field error", Kind::entry_error},
    {"R20", "Non-transaction account", Kind::account_data},
    {"R21", "Invalid company identification", Kind::entry_error},
    {"R22", "Invalid individual identification number", Kind::entry_error},
    {"R23", "Credit entry refused by the receiver", Kind::payee},
    {"R24", "Duplicate entry", Kind::entry_error},
    {"R25", "Addenda error", Kind::entry_error},
    {"R26", "Mandatory field error", Kind::entry_error},
    {"R27", "Trace number error", Kind::entry_error},
    {"R28", "Routing number check digit error", Kind::account_data},
    {"R29", "Corporate customer advises not authorized", Kind::payee},
    {"R30", "RDFI not a participant in check truncation", Kind::entry_error},
    {"R31", "Permissible return entry (CCD and CTX only)", Kind::payee},
    {"R32", "RDFI non-settlement", Kind::entry_error},
    {"R33", "Return of an XCK entry", Kind::entry_error},
    {"R34", "Limited participation DFI", Kind::entry_error},
    {"R35", "Return of an improper debit entry", Kind::entry_error},
    {"R36", "Return of an improper credit entry", Kind::entry_error},
    {"R37", "Source document presented for payment", Kind::entry_error},
    {"R38", "Stop payment on the source document", Kind::entry_error},
    {"R39", "Improper source document", Kind::entry_error},
    {"R40", "Return of an ENR entry by a federal government agency", Kind::entry_error},
    {"R41", "Invalid transaction code (ENR)", Kind::entry_error},
    {"R42", "Routing number or check digit error (ENR)", Kind::entry_error},
    {"R43", "Invalid DFI account number (ENR)", Kind::entry_error},
    {"R44", "Invalid individual identification number (ENR)", Kind::entry_error},
    {"R45", "Invalid individual or company name (ENR)", Kind::entry_error},
    {"R46", "Invalid representative payee indicator (ENR)", Kind::entry_error},
    {"R47", "Duplicate enrollment (ENR)", Kind::entry_error},
    {"R48", "Unassigned return reason code", Kind::unassigned},
    {"R49", "Unassigned return reason code", Kind::unassigned},
    {"R50", "State law affecting RCK acceptance", Kind::entry_error},
    {"R51", "Item related to an RCK entry is ineligible", Kind::entry_error},
    {"R52", "Stop payment on an item related to an RCK entry", Kind::entry_error},
    {"R53", "Item and RCK entry presented for payment", Kind::entry_error},
    {"R54", "Unassigned return reason code", Kind::unassigned},
    {"R55", "Unassigned return reason code", Kind::unassigned},
    {"R56", "Unassigned return reason code", Kind::unassigned},
    {"R57", "Unassigned return reason code", Kind::unassigned},
    {"R58", "Unassigned return reason code", Kind::unassigned},
    {"R59", "Unassigned return reason code", Kind::unassigned},
    {"R60", "Unassigned return reason code", Kind::unassigned},
    {"R61", "Misrouted return", Kind::administrative},
    {"R62", "Return of an erroneous or reversing debit", Kind::administrative},
    {"R63", "Unassigned return reason code", Kind::unassigned},
    {"R64", "Unassigned return reason code", Kind::unassigned},
    {"R65", "Unassigned return reason code", Kind::unassigned},
    {"R66", "Unassigned return reason code", Kind::unassigned},
    {"R67", "Duplicate return", Kind::administrative},
    {"R68", "Untimely return", Kind::administrative},
    {"R69", "Field errors", Kind::administrative},
    {"R70", "Permissible return entry not accepted or return not requested by the ODFI",
     Kind::administrative},
    {"R71", "Misrouted dishonored return", Kind::administrative},
    {"R72", "Untimely dishonored return", Kind::administrative},
    {"R73", "Timely original return", Kind::administrative},
    {"R74", "Corrected return", Kind::administrative},
    {"R75", "Original return not a duplicate", Kind::administrative},
    {"R76", "No errors found", Kind::administrative},
    {"R77", "Non-acceptance of an R62 dishonored return", Kind::administrative},
    {"R78", "Unassigned return reason code", Kind::unassigned},
    {"R79", "Unassigned return reason code", Kind::unassigned},
    {"R80", "IAT entry coding error", Kind::entry_error},
    {"R81", "Non-participant in the IAT program", Kind::entry_error},
    {"R82", "Invalid foreign receiving DFI identification", Kind::entry_error},
    {"R83", "Foreign receiving DFI unable to settle", Kind::entry_error},
    {"R84", "Entry not processed by the gateway", Kind::entry_error},
    {"R85", "Incorrectly coded outbound international payment", Kind::entry_error},
}};

bool equals_ignoring_ascii_case(std::string_view left, std::string_view right) {
  const auto lower = [](char character) {
    return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                                : character;
  };
  return left.size() == right.size() &&
         std::equal(left.begin(), left.end(), right.begin(),
                    [&](char one, char other) { return lower(one) == lower(other); });
}

bool is_on_its_way(State state) {
  return state == State::submitted || state == State::unclaimed;
}

bool is_unsent(State state) {
  return state == State::allocated || state == State::batched;
}

// The payment's money has already come back to the returned pool, whatever happened next.
bool money_is_back(State state) {
  return state == State::expired || state == State::returned || state == State::failed ||
         state == State::voided || state == State::reissued || state == State::pooled;
}

ReconcileDecision apply(PaymentEvent event) {
  return {ReconcileOutcome::applied, event};
}

ReconcileDecision report(ReconcileOutcome outcome) {
  return {outcome, std::nullopt};
}

// The decision for a line whose reference, amount and currency are in order, for a payment
// that has been sent. A report that money came back, for a payment whose money is already
// back, confirms the books and changes nothing.
ReconcileDecision decide_for_sent_payment(const PaymentSnapshot& payment, ReportedOutcome outcome) {
  const State state = payment.state;
  if (money_is_back(state) && outcome != ReportedOutcome::paid) {
    // An UNCLAIMED never follows FAILED: the item never reached the recipient's inbox.
    const bool contradicts = outcome == ReportedOutcome::unclaimed && state == State::failed;
    return report(contradicts ? ReconcileOutcome::contradicting : ReconcileOutcome::unchanged);
  }
  switch (outcome) {
    case ReportedOutcome::paid:
      // Paid twice, or paid after it expired, came back or was voided: a person must look.
      if (is_on_its_way(state)) return apply(PaymentEvent::mark_paid);
      return report(ReconcileOutcome::contradicting);
    case ReportedOutcome::unclaimed:
      if (state == State::submitted) return apply(PaymentEvent::mark_unclaimed);
      // Unclaimed again, or an older file read after the payment was paid.
      return report(ReconcileOutcome::unchanged);
    case ReportedOutcome::returned:
      // Only an ACH credit can come back after it settled; a returned PayPal item or check
      // that we saw paid contradicts that report.
      if (is_on_its_way(state)) return apply(PaymentEvent::mark_returned);
      if (payment.method == PaymentMethod::ach) return apply(PaymentEvent::mark_returned);
      return report(ReconcileOutcome::contradicting);
    case ReportedOutcome::reversed:
      return apply(PaymentEvent::mark_returned);
    case ReportedOutcome::failed:
      if (state == State::submitted) return apply(PaymentEvent::mark_failed);
      return report(ReconcileOutcome::contradicting);
    case ReportedOutcome::stopped:
      if (is_on_its_way(state)) return apply(PaymentEvent::void_payment);
      return report(ReconcileOutcome::contradicting);
    case ReportedOutcome::pending:
      return report(ReconcileOutcome::ignored_pending);
  }
  DISBURSE_ASSERT(false);
  return report(ReconcileOutcome::contradicting);
}

}  // namespace

std::string_view to_string(ReportedOutcome outcome) {
  const auto index = static_cast<std::size_t>(outcome);
  DISBURSE_ASSERT(index < reported_outcome_names.size());
  return reported_outcome_names[index];
}

std::optional<ReportedOutcome> map_paypal_status(std::string_view status) {
  struct StatusMapping {
    std::string_view status;
    ReportedOutcome outcome;
  };
  constexpr std::array<StatusMapping, 9> mappings = {{
      {"SUCCESS", ReportedOutcome::paid},
      {"UNCLAIMED", ReportedOutcome::unclaimed},
      {"RETURNED", ReportedOutcome::returned},
      {"FAILED", ReportedOutcome::failed},
      {"BLOCKED", ReportedOutcome::failed},
      {"REFUNDED", ReportedOutcome::reversed},
      {"REVERSED", ReportedOutcome::reversed},
      {"ONHOLD", ReportedOutcome::pending},
      {"PENDING", ReportedOutcome::pending},
  }};
  for (const StatusMapping& mapping : mappings) {
    if (equals_ignoring_ascii_case(mapping.status, status)) return mapping.outcome;
  }
  return std::nullopt;
}

std::optional<ReportedOutcome> map_check_status(std::string_view status) {
  if (equals_ignoring_ascii_case(status, "PAID")) return ReportedOutcome::paid;
  if (equals_ignoring_ascii_case(status, "STOPPED") ||
      equals_ignoring_ascii_case(status, "VOIDED")) {
    return ReportedOutcome::stopped;
  }
  return std::nullopt;
}

std::string_view to_string(AchReturnKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  DISBURSE_ASSERT(index < ach_return_kind_names.size());
  return ach_return_kind_names[index];
}

std::optional<AchReturnReason> classify_ach_return(std::string_view code) {
  if (code.size() != 3 || code[0] != 'R') return std::nullopt;
  const char tens = code[1];
  const char units = code[2];
  if (tens < '0' || tens > '9' || units < '0' || units > '9') return std::nullopt;
  const int number = (tens - '0') * 10 + (units - '0');
  if (number < 1 || number > 85) return std::nullopt;
  return ach_return_reasons[static_cast<std::size_t>(number - 1)];
}

std::optional<ReportedOutcome> map_ach_return_code(std::string_view code) {
  if (!classify_ach_return(code)) return std::nullopt;
  return ReportedOutcome::returned;
}

std::string_view to_string(ReconcileOutcome outcome) {
  const auto index = static_cast<std::size_t>(outcome);
  DISBURSE_ASSERT(index < reconcile_outcome_names.size());
  return reconcile_outcome_names[index];
}

ReconcileDecision decide_reconciliation(const std::optional<PaymentSnapshot>& payment,
                                        const ResultLine& line) {
  if (!payment) return report(ReconcileOutcome::unknown_reference);
  if (line.already_applied) return report(ReconcileOutcome::already_applied);
  if (line.reference_seen_earlier_in_file) return report(ReconcileOutcome::duplicate);
  if (line.currency != payment->currency) return report(ReconcileOutcome::currency_mismatch);
  if (line.amount != payment->amount) return report(ReconcileOutcome::amount_mismatch);
  if (line.outcome == ReportedOutcome::pending) return report(ReconcileOutcome::ignored_pending);
  // No file has carried an unsent payment's reference yet, so any result for it is wrong.
  if (is_unsent(payment->state)) return report(ReconcileOutcome::contradicting);
  const ReconcileDecision decision = decide_for_sent_payment(*payment, line.outcome);
  DISBURSE_ASSERT(!decision.event || transition(payment->state, *decision.event).ok());
  return decision;
}

std::optional<std::int64_t> expiry_deadline_epoch_seconds(PaymentMethod method,
                                                          std::int64_t submitted_at_epoch_seconds,
                                                          std::int64_t paypal_window_days,
                                                          std::int64_t check_window_days) {
  switch (method) {
    case PaymentMethod::paypal:
      return deadline_epoch_seconds(submitted_at_epoch_seconds, paypal_window_days);
    case PaymentMethod::check:
      return deadline_epoch_seconds(submitted_at_epoch_seconds, check_window_days);
    case PaymentMethod::ach:
      return std::nullopt;
  }
  DISBURSE_ASSERT(false);
  return std::nullopt;
}

bool is_expired(PaymentMethod method, std::int64_t submitted_at_epoch_seconds,
                std::int64_t now_epoch_seconds, std::int64_t paypal_window_days,
                std::int64_t check_window_days) {
  const std::optional<std::int64_t> deadline = expiry_deadline_epoch_seconds(
      method, submitted_at_epoch_seconds, paypal_window_days, check_window_days);
  return deadline && now_epoch_seconds > *deadline;
}

std::string_view to_string(SecondRoundOutcome outcome) {
  switch (outcome) {
    case SecondRoundOutcome::feasible:
      return "feasible";
    case SecondRoundOutcome::not_feasible_below_minimum:
      return "not_feasible_below_minimum";
    case SecondRoundOutcome::no_redeemers:
      return "no_redeemers";
    case SecondRoundOutcome::empty_pool:
      return "empty_pool";
  }
  return "unknown";
}

SecondRoundCheck check_second_round(Money returned_pool,
                                    std::span<const std::uint64_t> redeemer_weights,
                                    Money minimum_payment) {
  DISBURSE_ASSERT(!returned_pool.is_negative() && !minimum_payment.is_negative());
  if (returned_pool.is_zero()) return {SecondRoundOutcome::empty_pool, Money()};
  if (redeemer_weights.empty()) return {SecondRoundOutcome::no_redeemers, Money()};
  unsigned __int128 total_weight = 0;
  std::uint64_t smallest_weight = redeemer_weights.front();
  for (const std::uint64_t weight : redeemer_weights) {
    DISBURSE_ASSERT(weight > 0);
    total_weight += weight;
    smallest_weight = std::min(smallest_weight, weight);
  }
  // pool < 2^63 and weight < 2^64, so the product fits in 128 bits; the share is at most the
  // pool, so it fits back in int64.
  const unsigned __int128 product =
      static_cast<unsigned __int128>(returned_pool.cents()) * smallest_weight;
  const Money smallest_share = Money::from_cents(static_cast<std::int64_t>(product / total_weight));
  const Money threshold = std::max(minimum_payment, Money::from_cents(1));
  const SecondRoundOutcome outcome = smallest_share >= threshold
                                         ? SecondRoundOutcome::feasible
                                         : SecondRoundOutcome::not_feasible_below_minimum;
  return {outcome, smallest_share};
}

SecondRoundCheck check_second_round_equal_shares(Money returned_pool, std::uint64_t redeemer_count,
                                                 Money minimum_payment) {
  DISBURSE_ASSERT(!returned_pool.is_negative() && !minimum_payment.is_negative());
  if (returned_pool.is_zero()) return {SecondRoundOutcome::empty_pool, Money()};
  if (redeemer_count == 0) return {SecondRoundOutcome::no_redeemers, Money()};
  const auto count = static_cast<std::int64_t>(
      std::min<std::uint64_t>(redeemer_count, std::numeric_limits<std::int64_t>::max()));
  const Money smallest_share = Money::from_cents(returned_pool.cents() / count);
  const Money threshold = std::max(minimum_payment, Money::from_cents(1));
  const SecondRoundOutcome outcome = smallest_share >= threshold
                                         ? SecondRoundOutcome::feasible
                                         : SecondRoundOutcome::not_feasible_below_minimum;
  return {outcome, smallest_share};
}

}  // namespace disburse::domain
