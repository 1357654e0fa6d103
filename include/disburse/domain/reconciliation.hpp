#pragma once
// Reconciliation decisions (DESIGN.md "Reconciliation", issue 6): what one line of a provider's
// result file means for one payment, plus the time-driven expiry rule and the second-round
// feasibility rule.
//
// The formats code parses the files; this file maps their raw statuses to rail-neutral outcomes
// and decides, for each line, whether it is applied (and with which payment event) or reported.
// Nothing here reads a file or a clock.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_state.hpp"

namespace disburse::domain {

// What a rail says happened to a payment, whatever the rail.
enum class ReportedOutcome : std::uint8_t {
  paid,       // Delivered: PayPal SUCCESS, a check PAID.
  unclaimed,  // PayPal UNCLAIMED: sent, not yet accepted.
  returned,   // Given back before or instead of delivery: PayPal RETURNED, any ACH R-code.
  reversed,   // Delivered, then taken back: PayPal REFUNDED or REVERSED.
  failed,     // Refused by the rail: PayPal FAILED or BLOCKED.
  stopped,    // A stop or void we asked the bank for is confirmed: check STOPPED or VOIDED.
  pending,    // Still in progress: PayPal PENDING or ONHOLD. Changes nothing.
};

inline constexpr std::array<ReportedOutcome, 7> all_reported_outcomes = {
    ReportedOutcome::paid,     ReportedOutcome::unclaimed, ReportedOutcome::returned,
    ReportedOutcome::reversed, ReportedOutcome::failed,    ReportedOutcome::stopped,
    ReportedOutcome::pending};

std::string_view to_string(ReportedOutcome outcome);

// PayPal Payouts item statuses: SUCCESS, UNCLAIMED, RETURNED, FAILED, BLOCKED, REFUNDED,
// REVERSED, ONHOLD, PENDING (ASCII case-insensitive). Anything else is none: a malformed line.
std::optional<ReportedOutcome> map_paypal_status(std::string_view status);

// A bank's paid-checks file and stop confirmations: PAID, STOPPED, VOIDED.
std::optional<ReportedOutcome> map_check_status(std::string_view status);

// Why an ACH credit came back, grouped by what finance does next.
enum class AchReturnKind : std::uint8_t {
  account_data,    // The account is closed, unknown, frozen or mistyped: fix it, then reissue.
  payee,           // The payee died, refused the credit or disputes it: needs a person.
  entry_error,     // Our entry or file broke a NACHA rule: fix the file, then reissue.
  administrative,  // Between the banks: ODFI requests, misrouted, dishonored, contested returns.
  unassigned,      // A code in R01–R85 that NACHA does not assign today.
};

std::string_view to_string(AchReturnKind kind);

struct AchReturnReason {
  std::string_view code;         // "R03"
  std::string_view description;  // "No account or unable to locate account"
  AchReturnKind kind = AchReturnKind::unassigned;
};

// Every code from R01 to R85 (upper case) is a return; anything else is none.
std::optional<AchReturnReason> classify_ach_return(std::string_view code);

// ReportedOutcome::returned for every code classify_ach_return knows, none otherwise.
std::optional<ReportedOutcome> map_ach_return_code(std::string_view code);

// What the adapter knows about the payment a line references.
struct PaymentSnapshot {
  PaymentState state = PaymentState::submitted;
  Money amount;
  std::string_view currency;  // ISO 4217, such as "USD".
  PaymentMethod method = PaymentMethod::paypal;
};

// One result line, already parsed and mapped.
struct ResultLine {
  ReportedOutcome outcome = ReportedOutcome::pending;
  Money amount;
  // Files without a currency column (NACHA, paid checks) report the program's currency.
  std::string_view currency;
  // This exact line (by the fingerprint of its reference, status, amount, currency and time)
  // was applied by an earlier import.
  bool already_applied = false;
  // An earlier line of the same file carried the same reference.
  bool reference_seen_earlier_in_file = false;
};

enum class ReconcileOutcome : std::uint8_t {
  applied,            // Apply `event` to the payment: one transition, one ledger entry.
  already_applied,    // The same line was applied before: importing a file twice changes nothing.
  unknown_reference,  // No payment carries the line's reference.
  amount_mismatch,
  currency_mismatch,
  duplicate,  // The reference appeared earlier in the same file; only the first line counts.
  // The line contradicts the payment: paid twice from different lines, failed after paid, a
  // return of a paid PayPal payment or a cashed check, any result for an unsent payment, a
  // payment cashed after we expired it. Reported for a person, never applied.
  contradicting,
  // The line agrees with what the payment already shows: a PayPal RETURNED after our expiry
  // job expired it, a stop confirming our void, an older UNCLAIMED after the payment moved on.
  unchanged,
  ignored_pending,  // PENDING or ONHOLD: the rail has not decided yet.
};

inline constexpr std::array<ReconcileOutcome, 9> all_reconcile_outcomes = {
    ReconcileOutcome::applied,           ReconcileOutcome::already_applied,
    ReconcileOutcome::unknown_reference, ReconcileOutcome::amount_mismatch,
    ReconcileOutcome::currency_mismatch, ReconcileOutcome::duplicate,
    ReconcileOutcome::contradicting,     ReconcileOutcome::unchanged,
    ReconcileOutcome::ignored_pending};

std::string_view to_string(ReconcileOutcome outcome);

struct ReconcileDecision {
  ReconcileOutcome outcome = ReconcileOutcome::unknown_reference;
  std::optional<PaymentEvent> event;  // Set exactly when the outcome is applied.

  friend bool operator==(const ReconcileDecision&, const ReconcileDecision&) = default;
};

// Decides one line. `payment` is none when no payment carries the line's reference. The checks
// run in this order: unknown reference, already applied, duplicate, currency, amount, pending,
// then what the outcome means for the payment's state and rail. An applied decision's event is
// always allowed by the payment state machine.
ReconcileDecision decide_reconciliation(const std::optional<PaymentSnapshot>& payment,
                                        const ResultLine& line);

// When an unaccepted payment expires: PayPal `paypal_window_days` after it was submitted,
// a check `check_window_days` after it was issued (submitted). The deadline second itself is
// still in time. ACH credits do not expire (they come back as returns), so ACH has none.
std::optional<std::int64_t> expiry_deadline_epoch_seconds(PaymentMethod method,
                                                          std::int64_t submitted_at_epoch_seconds,
                                                          std::int64_t paypal_window_days,
                                                          std::int64_t check_window_days);

bool is_expired(PaymentMethod method, std::int64_t submitted_at_epoch_seconds,
                std::int64_t now_epoch_seconds, std::int64_t paypal_window_days,
                std::int64_t check_window_days);

enum class SecondRoundOutcome : std::uint8_t {
  feasible,
  not_feasible_below_minimum,  // The smallest share would fall below the minimum payment.
  no_redeemers,
  empty_pool,
};

std::string_view to_string(SecondRoundOutcome outcome);

struct SecondRoundCheck {
  SecondRoundOutcome outcome = SecondRoundOutcome::empty_pool;
  // The smallest share a pro-rata division would give: floor(pool · w_min / W). Zero when
  // there is no pool or no redeemer.
  Money smallest_share;
};

// A second round is offered only when every round-1 redeemer's share would clear the minimum
// payment (and be at least one cent when there is no minimum), so nobody is dropped and the
// round is worth its cost. `redeemer_weights` are positive; equal shares are equal weights.
SecondRoundCheck check_second_round(Money returned_pool,
                                    std::span<const std::uint64_t> redeemer_weights,
                                    Money minimum_payment);

// The same rule when every redeemer gets an equal share.
SecondRoundCheck check_second_round_equal_shares(Money returned_pool, std::uint64_t redeemer_count,
                                                 Money minimum_payment);

}  // namespace disburse::domain
