#include "disburse/domain/claim_state.hpp"

#include <cstddef>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::array<std::string_view, 4> claim_state_names = {"pending_review", "approved",
                                                               "denied", "deficient"};
constexpr std::array<std::string_view, 5> claim_event_names = {"approve", "deny", "mark_deficient",
                                                               "cure", "cure_deadline_passed"};

// The state an event leads to, wherever it is allowed.
ClaimState target_of(ClaimEvent event) {
  switch (event) {
    case ClaimEvent::approve:
      return ClaimState::approved;
    case ClaimEvent::deny:
      return ClaimState::denied;
    case ClaimEvent::mark_deficient:
      return ClaimState::deficient;
    case ClaimEvent::cure:
      return ClaimState::pending_review;
    case ClaimEvent::cure_deadline_passed:
      return ClaimState::denied;
  }
  DISBURSE_ASSERT(false);
  return ClaimState::pending_review;
}

bool is_allowed_source(ClaimState from, ClaimEvent event) {
  switch (event) {
    case ClaimEvent::approve:
    case ClaimEvent::mark_deficient:
      return from == ClaimState::pending_review;
    case ClaimEvent::deny:
      return from == ClaimState::pending_review || from == ClaimState::deficient;
    case ClaimEvent::cure:
    case ClaimEvent::cure_deadline_passed:
      return from == ClaimState::deficient;
  }
  return false;
}

}  // namespace

ClaimTransition transition(ClaimState from, ClaimEvent event) {
  const ClaimState target = target_of(event);
  if (is_allowed_source(from, event)) return {TransitionOutcome::ok, target};
  if (from == target) return {TransitionOutcome::already_in_state, from};
  return {TransitionOutcome::not_allowed, from};
}

std::string_view to_string(ClaimState state) {
  const auto index = static_cast<std::size_t>(state);
  DISBURSE_ASSERT(index < claim_state_names.size());
  return claim_state_names[index];
}

std::optional<ClaimState> parse_claim_state(std::string_view text) {
  for (const ClaimState state : all_claim_states) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view to_string(ClaimEvent event) {
  const auto index = static_cast<std::size_t>(event);
  DISBURSE_ASSERT(index < claim_event_names.size());
  return claim_event_names[index];
}

bool is_final(ClaimState state) {
  return state == ClaimState::approved || state == ClaimState::denied;
}

CureTiming check_cure_timing(std::int64_t marked_deficient_at_epoch_seconds,
                             std::int64_t cured_at_epoch_seconds, std::int64_t cure_window_days) {
  const std::int64_t deadline =
      deadline_epoch_seconds(marked_deficient_at_epoch_seconds, cure_window_days);
  return cured_at_epoch_seconds <= deadline ? CureTiming::within_window
                                            : CureTiming::after_deadline;
}

bool cure_deadline_has_passed(std::int64_t marked_deficient_at_epoch_seconds,
                              std::int64_t now_epoch_seconds, std::int64_t cure_window_days) {
  return check_cure_timing(marked_deficient_at_epoch_seconds, now_epoch_seconds,
                           cure_window_days) == CureTiming::after_deadline;
}

}  // namespace disburse::domain
