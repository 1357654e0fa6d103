#include "disburse/domain/claim_state.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace disburse::domain;

namespace {

struct Expectation {
  ClaimState from;
  ClaimEvent event;
  TransitionOutcome outcome;
  ClaimState next;
};

constexpr auto ok = TransitionOutcome::ok;
constexpr auto no = TransitionOutcome::not_allowed;
constexpr auto same = TransitionOutcome::already_in_state;
using S = ClaimState;
using E = ClaimEvent;

// Every (state, event) pair, written out.
const std::vector<Expectation> claim_table = {
    {S::pending_review, E::approve, ok, S::approved},
    {S::pending_review, E::deny, ok, S::denied},
    {S::pending_review, E::mark_deficient, ok, S::deficient},
    {S::pending_review, E::cure, same, S::pending_review},
    {S::pending_review, E::cure_deadline_passed, no, S::pending_review},
    {S::approved, E::approve, same, S::approved},
    {S::approved, E::deny, no, S::approved},
    {S::approved, E::mark_deficient, no, S::approved},
    {S::approved, E::cure, no, S::approved},
    {S::approved, E::cure_deadline_passed, no, S::approved},
    {S::denied, E::approve, no, S::denied},
    {S::denied, E::deny, same, S::denied},
    {S::denied, E::mark_deficient, no, S::denied},
    {S::denied, E::cure, no, S::denied},
    {S::denied, E::cure_deadline_passed, same, S::denied},
    {S::deficient, E::approve, no, S::deficient},
    {S::deficient, E::deny, ok, S::denied},
    {S::deficient, E::mark_deficient, same, S::deficient},
    {S::deficient, E::cure, ok, S::pending_review},
    {S::deficient, E::cure_deadline_passed, ok, S::denied},
};

constexpr std::int64_t day_seconds = 86'400;
constexpr std::int64_t marked_at = 1'712'000'000;

}  // namespace

TEST_CASE("every claim state and event pair gives the tabled outcome") {
  REQUIRE(claim_table.size() == all_claim_states.size() * all_claim_events.size());
  for (const ClaimState from : all_claim_states) {
    for (const ClaimEvent event : all_claim_events) {
      int matches = 0;
      for (const Expectation& row : claim_table) {
        if (row.from != from || row.event != event) continue;
        matches++;
        CAPTURE(to_string(from));
        CAPTURE(to_string(event));
        const ClaimTransition result = transition(from, event);
        CHECK(result.outcome == row.outcome);
        CHECK(result.next == row.next);
      }
      CHECK(matches == 1);
    }
  }
}

TEST_CASE("a refused or repeated claim event leaves the state as it was") {
  for (const ClaimState from : all_claim_states) {
    for (const ClaimEvent event : all_claim_events) {
      const ClaimTransition result = transition(from, event);
      if (!result.ok()) CHECK(result.next == from);
    }
  }
}

TEST_CASE("claim state names are the stored contract and parse back") {
  CHECK(to_string(ClaimState::pending_review) == "pending_review");
  CHECK(to_string(ClaimState::approved) == "approved");
  CHECK(to_string(ClaimState::denied) == "denied");
  CHECK(to_string(ClaimState::deficient) == "deficient");
  for (const ClaimState state : all_claim_states) {
    CHECK(parse_claim_state(to_string(state)) == state);
  }
  CHECK_FALSE(parse_claim_state("pending"));
  CHECK_FALSE(parse_claim_state("APPROVED"));
  CHECK(to_string(ClaimEvent::cure_deadline_passed) == "cure_deadline_passed");
}

TEST_CASE("only approved and denied claims are final") {
  CHECK_FALSE(is_final(ClaimState::pending_review));
  CHECK(is_final(ClaimState::approved));
  CHECK(is_final(ClaimState::denied));
  CHECK_FALSE(is_final(ClaimState::deficient));
}

TEST_CASE("a cure on the last second of the window is in time and one second later is not") {
  const std::int64_t deadline = marked_at + 30 * day_seconds;
  CHECK(check_cure_timing(marked_at, marked_at, 30) == CureTiming::within_window);
  CHECK(check_cure_timing(marked_at, deadline - 1, 30) == CureTiming::within_window);
  CHECK(check_cure_timing(marked_at, deadline, 30) == CureTiming::within_window);
  CHECK(check_cure_timing(marked_at, deadline + 1, 30) == CureTiming::after_deadline);
  CHECK(check_cure_timing(marked_at, deadline + 365 * day_seconds, 30) ==
        CureTiming::after_deadline);
}

TEST_CASE("the cure deadline passes only after the whole window") {
  const std::int64_t deadline = marked_at + 14 * day_seconds;
  CHECK_FALSE(cure_deadline_has_passed(marked_at, marked_at, 14));
  CHECK_FALSE(cure_deadline_has_passed(marked_at, deadline, 14));
  CHECK(cure_deadline_has_passed(marked_at, deadline + 1, 14));
}
