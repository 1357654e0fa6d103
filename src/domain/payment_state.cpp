#include "disburse/domain/payment_state.hpp"

#include <cstddef>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::array<std::string_view, payment_state_count> payment_state_names = {
    "allocated", "batched", "submitted", "paid",     "unclaimed", "expired",
    "returned",  "failed",  "voided",    "reissued", "pooled"};
constexpr std::array<std::string_view, 11> payment_event_names = {
    "add_to_batch",  "remove_from_batch", "submit",       "mark_paid", "mark_unclaimed", "expire",
    "mark_returned", "mark_failed",       "void_payment", "reissue",   "release_to_pool"};
constexpr std::array<std::string_view, 10> ledger_effect_names = {
    "none",
    "submitted",
    "paid",
    "expired",
    "returned_in_flight",
    "returned_after_paid",
    "failed",
    "voided_before_submission",
    "voided_in_flight",
    "reissued",
};

using State = PaymentState;

PaymentState target_of(PaymentEvent event) {
  switch (event) {
    case PaymentEvent::add_to_batch:
      return State::batched;
    case PaymentEvent::remove_from_batch:
      return State::allocated;
    case PaymentEvent::submit:
      return State::submitted;
    case PaymentEvent::mark_paid:
      return State::paid;
    case PaymentEvent::mark_unclaimed:
      return State::unclaimed;
    case PaymentEvent::expire:
      return State::expired;
    case PaymentEvent::mark_returned:
      return State::returned;
    case PaymentEvent::mark_failed:
      return State::failed;
    case PaymentEvent::void_payment:
      return State::voided;
    case PaymentEvent::reissue:
      return State::reissued;
    case PaymentEvent::release_to_pool:
      return State::pooled;
  }
  DISBURSE_ASSERT(false);
  return State::allocated;
}

// Money that came back sits in the returned pool until it is reissued or left there for good.
bool money_is_back_in_pool(State state) {
  return state == State::expired || state == State::returned || state == State::failed ||
         state == State::voided;
}

bool is_on_its_way(State state) {
  return state == State::submitted || state == State::unclaimed;
}

bool is_allowed_source(State from, PaymentEvent event) {
  switch (event) {
    case PaymentEvent::add_to_batch:
      return from == State::allocated;
    case PaymentEvent::remove_from_batch:
    case PaymentEvent::submit:
      return from == State::batched;
    case PaymentEvent::mark_paid:
    case PaymentEvent::expire:
      return is_on_its_way(from);
    case PaymentEvent::mark_unclaimed:
    case PaymentEvent::mark_failed:
      return from == State::submitted;
    case PaymentEvent::mark_returned:
      return is_on_its_way(from) || from == State::paid;
    case PaymentEvent::void_payment:
      return from == State::allocated || from == State::batched || is_on_its_way(from);
    case PaymentEvent::reissue:
    case PaymentEvent::release_to_pool:
      return money_is_back_in_pool(from);
  }
  return false;
}

}  // namespace

PaymentTransition transition(PaymentState from, PaymentEvent event) {
  const PaymentState target = target_of(event);
  if (is_allowed_source(from, event)) return {TransitionOutcome::ok, target};
  if (from == target && event != PaymentEvent::add_to_batch) {
    return {TransitionOutcome::already_in_state, from};
  }
  return {TransitionOutcome::not_allowed, from};
}

bool is_allowed(PaymentState from, PaymentState to) {
  for (const PaymentEvent event : all_payment_events) {
    const PaymentTransition result = transition(from, event);
    if (result.ok() && result.next == to) return true;
  }
  return false;
}

std::string_view to_string(PaymentState state) {
  const auto index = static_cast<std::size_t>(state);
  DISBURSE_ASSERT(index < payment_state_names.size());
  return payment_state_names[index];
}

std::optional<PaymentState> parse_payment_state(std::string_view text) {
  for (const PaymentState state : all_payment_states) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view to_string(PaymentEvent event) {
  const auto index = static_cast<std::size_t>(event);
  DISBURSE_ASSERT(index < payment_event_names.size());
  return payment_event_names[index];
}

bool is_live(PaymentState state) {
  return state == State::allocated || state == State::batched || is_on_its_way(state) ||
         state == State::paid;
}

bool is_final(PaymentState state) {
  return state == State::reissued || state == State::pooled;
}

bool is_settled(PaymentState state) {
  return state == State::paid || money_is_back_in_pool(state) || is_final(state);
}

std::string_view to_string(LedgerEffect effect) {
  const auto index = static_cast<std::size_t>(effect);
  DISBURSE_ASSERT(index < ledger_effect_names.size());
  return ledger_effect_names[index];
}

LedgerEffect ledger_effect(PaymentState from, PaymentState to) {
  DISBURSE_ASSERT(is_allowed(from, to));
  switch (to) {
    case State::submitted:
      return LedgerEffect::submitted;
    case State::paid:
      return LedgerEffect::paid;
    case State::expired:
      return LedgerEffect::expired;
    case State::returned:
      return from == State::paid ? LedgerEffect::returned_after_paid
                                 : LedgerEffect::returned_in_flight;
    case State::failed:
      return LedgerEffect::failed;
    case State::voided:
      return is_on_its_way(from) ? LedgerEffect::voided_in_flight
                                 : LedgerEffect::voided_before_submission;
    case State::reissued:
      return LedgerEffect::reissued;
    // Batching and unbatching move no money, an unclaimed payment is still in flight, and a
    // pooled payment's money has been in the returned pool since it came back.
    case State::allocated:
    case State::batched:
    case State::unclaimed:
    case State::pooled:
      return LedgerEffect::none;
  }
  return LedgerEffect::none;
}

}  // namespace disburse::domain
