#pragma once
// The payment lifecycle (DESIGN.md "Payment", issues 5 and 6). One payment is one attempt to pay
// one claimant in one round:
//
//   allocated → batched → submitted → paid
//   batched → allocated                         (a draft batch is cancelled)
//   submitted → unclaimed → paid | expired      (PayPal: accepted late, or not within 30 days)
//   submitted → expired                         (a check not cashed within 90 days)
//   submitted | unclaimed → returned            (PayPal RETURNED, an ACH R-code)
//   submitted → failed                          (PayPal FAILED or BLOCKED)
//   paid → returned                             (a late ACH return, a PayPal refund or reversal)
//   allocated | batched | submitted | unclaimed → voided   (stopped before it was delivered)
//   expired | returned | failed | voided → reissued | pooled
//
// `reissued` and `pooled` end an attempt whose money came back:
//   - reissued: the money went to attempt N+1 of the same claimant and round (a check instead
//     of PayPal, a corrected address or bank account);
//   - pooled: the money stays in the returned pool for a second round or the Treasury, and this
//     attempt will never be reissued.
// Whether paid → returned is believable for a given rail is decided by reconciliation.hpp; the
// state machine allows it because ACH returns arrive after settlement.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "disburse/domain/payment_method.hpp"
#include "disburse/domain/program_state.hpp"

namespace disburse::domain {


enum class PaymentState : std::uint8_t {
  allocated,  // Created from an approved allocation run or a reissue; in no batch.
  batched,    // In a draft or approved batch; no file yet.
  submitted,  // In a produced provider file; the money is on its way.
  paid,       // The rail reports the money delivered (PayPal SUCCESS, a cashed check).
  unclaimed,  // PayPal: sent, not yet accepted by the recipient.
  expired,    // Not accepted or cashed within the program's window; money back in the pool.
  returned,   // Sent and given back (PayPal RETURNED, REFUNDED, REVERSED; an ACH return).
  failed,     // Refused by the rail before it reached anyone (PayPal FAILED, BLOCKED).
  voided,     // Stopped by us before it was delivered; money back in the pool.
  reissued,   // Final: the money went to the next attempt.
  pooled,     // Final: the money stays in the returned pool; no reissue.
};

inline constexpr std::size_t payment_state_count = 11;

inline constexpr std::array<PaymentState, payment_state_count> all_payment_states = {
    PaymentState::allocated, PaymentState::batched,  PaymentState::submitted, PaymentState::paid,
    PaymentState::unclaimed, PaymentState::expired,  PaymentState::returned,  PaymentState::failed,
    PaymentState::voided,    PaymentState::reissued, PaymentState::pooled};

enum class PaymentEvent : std::uint8_t {
  add_to_batch,       // allocated → batched
  remove_from_batch,  // batched → allocated
  submit,             // batched → submitted, when the batch's file is produced
  mark_paid,          // submitted | unclaimed → paid
  mark_unclaimed,     // submitted → unclaimed
  expire,             // submitted | unclaimed → expired
  mark_returned,      // submitted | unclaimed | paid → returned
  mark_failed,        // submitted → failed
  void_payment,       // allocated | batched | submitted | unclaimed → voided
  reissue,            // expired | returned | failed | voided → reissued
  release_to_pool,    // expired | returned | failed | voided → pooled
};

inline constexpr std::array<PaymentEvent, 11> all_payment_events = {
    PaymentEvent::add_to_batch,  PaymentEvent::remove_from_batch, PaymentEvent::submit,
    PaymentEvent::mark_paid,     PaymentEvent::mark_unclaimed,    PaymentEvent::expire,
    PaymentEvent::mark_returned, PaymentEvent::mark_failed,       PaymentEvent::void_payment,
    PaymentEvent::reissue,       PaymentEvent::release_to_pool};

using PaymentTransition = Transition<PaymentState>;

// An event whose target is the current state answers already_in_state (producing a file twice,
// cancelling a batch twice, the expiry job running twice), with one exception: add_to_batch on
// a batched payment is not_allowed, because that payment belongs to another batch and must
// never be treated as part of this one.
PaymentTransition transition(PaymentState from, PaymentEvent event);

// Whether some event leads from `from` to `to`.
bool is_allowed(PaymentState from, PaymentState to);

std::string_view to_string(PaymentState state);
std::optional<PaymentState> parse_payment_state(std::string_view text);
std::string_view to_string(PaymentEvent event);

// Live payments count for "one live payment per claimant per round" (the unique partial index
// `WHERE state IN ('allocated', 'batched', 'submitted', 'unclaimed', 'paid')`): a payment whose
// money is on its way or delivered. Paid is live so that a paid claimant can never get a second
// attempt; expired, returned, failed and voided are not, so a reissue can create attempt N+1.
bool is_live(PaymentState state);

// Reissued and pooled end an attempt: no event leaves them.
bool is_final(PaymentState state);

// Whether the rail has settled the payment's fate for now, so that a batch whose payments are
// all settled can be marked reconciled. Paid counts as settled although an ACH return may
// still arrive later.
bool is_settled(PaymentState state);

// The ledger movement a payment transition implies (see ledger.hpp for the entries).
enum class LedgerEffect : std::uint8_t {
  none,                      // No money moves between accounts.
  submitted,                 // allocated → in_flight
  paid,                      // in_flight → paid_out
  expired,                   // in_flight → returned_pool
  returned_in_flight,        // in_flight → returned_pool
  returned_after_paid,       // paid_out → returned_pool
  failed,                    // in_flight → returned_pool
  voided_before_submission,  // allocated → returned_pool
  voided_in_flight,          // in_flight → returned_pool
  reissued,                  // returned_pool → allocated, funding the next attempt
};

std::string_view to_string(LedgerEffect effect);

// The effect of the allowed transition from → to. Asking about a transition that is not
// allowed is a bug and aborts.
LedgerEffect ledger_effect(PaymentState from, PaymentState to);

}  // namespace disburse::domain
