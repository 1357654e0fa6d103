#pragma once
// The claim lifecycle (DESIGN.md "Claim", issue 7):
//
//   pending_review → approved | denied | deficient
//   deficient      → pending_review (cured within the window) | denied
//
// List-based programs import clean rows as approved and flagged rows as pending_review. The
// adapter records an actor, a reason code, a timestamp and an audit record for every
// transition; this file only decides whether the transition is allowed.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "disburse/domain/program_state.hpp"

namespace disburse::domain {

enum class ClaimState : std::uint8_t { pending_review, approved, denied, deficient };

inline constexpr std::array<ClaimState, 4> all_claim_states = {
    ClaimState::pending_review, ClaimState::approved, ClaimState::denied, ClaimState::deficient};

enum class ClaimEvent : std::uint8_t {
  approve,               // pending_review → approved
  deny,                  // pending_review | deficient → denied
  mark_deficient,        // pending_review → deficient; the cure window opens
  cure,                  // deficient → pending_review, when cured within the window
  cure_deadline_passed,  // deficient → denied, sent by the job that watches cure deadlines
};

inline constexpr std::array<ClaimEvent, 5> all_claim_events = {
    ClaimEvent::approve, ClaimEvent::deny, ClaimEvent::mark_deficient, ClaimEvent::cure,
    ClaimEvent::cure_deadline_passed};

using ClaimTransition = Transition<ClaimState>;

// An event whose target is the current state (deny on a denied claim, the deadline job on a
// claim a reviewer already denied) answers already_in_state, so repeats are harmless.
ClaimTransition transition(ClaimState from, ClaimEvent event);

// "pending_review", "approved", "denied", "deficient": stored in claims.state.
std::string_view to_string(ClaimState state);
std::optional<ClaimState> parse_claim_state(std::string_view text);
std::string_view to_string(ClaimEvent event);

// Approved and denied claims take no further review decision.
bool is_final(ClaimState state);

enum class CureTiming : std::uint8_t { within_window, after_deadline };

// Whether a cure arrived in time. The window opens when the claim was marked deficient and
// includes its last second (see deadline_epoch_seconds).
CureTiming check_cure_timing(std::int64_t marked_deficient_at_epoch_seconds,
                             std::int64_t cured_at_epoch_seconds, std::int64_t cure_window_days);

// Whether the deadline job should send cure_deadline_passed at `now`.
bool cure_deadline_has_passed(std::int64_t marked_deficient_at_epoch_seconds,
                              std::int64_t now_epoch_seconds, std::int64_t cure_window_days);

}  // namespace disburse::domain
