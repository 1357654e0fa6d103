#include "disburse/domain/batch_state.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace disburse::domain;

namespace {

constexpr auto ok = TransitionOutcome::ok;
constexpr auto no = TransitionOutcome::not_allowed;
constexpr auto same = TransitionOutcome::already_in_state;

struct BatchExpectation {
  BatchState from;
  BatchEvent event;
  TransitionOutcome outcome;
  BatchState next;
};

using S = BatchState;
using E = BatchEvent;

// Every (state, event) pair, written out.
const std::vector<BatchExpectation> batch_table = {
    {S::draft, E::approve, ok, S::approved},
    {S::draft, E::cancel, ok, S::cancelled},
    {S::draft, E::submit, no, S::draft},
    {S::draft, E::reconcile, no, S::draft},
    {S::approved, E::approve, same, S::approved},
    {S::approved, E::cancel, ok, S::cancelled},
    {S::approved, E::submit, ok, S::submitted},
    {S::approved, E::reconcile, no, S::approved},
    {S::submitted, E::approve, no, S::submitted},
    {S::submitted, E::cancel, no, S::submitted},
    {S::submitted, E::submit, same, S::submitted},
    {S::submitted, E::reconcile, ok, S::reconciled},
    {S::reconciled, E::approve, no, S::reconciled},
    {S::reconciled, E::cancel, no, S::reconciled},
    {S::reconciled, E::submit, no, S::reconciled},
    {S::reconciled, E::reconcile, same, S::reconciled},
    {S::cancelled, E::approve, no, S::cancelled},
    {S::cancelled, E::cancel, same, S::cancelled},
    {S::cancelled, E::submit, no, S::cancelled},
    {S::cancelled, E::reconcile, no, S::cancelled},
};

struct RunExpectation {
  AllocationRunState from;
  AllocationRunEvent event;
  TransitionOutcome outcome;
  AllocationRunState next;
};

using R = AllocationRunState;
using RE = AllocationRunEvent;

const std::vector<RunExpectation> run_table = {
    {R::created, RE::approve, ok, R::approved},
    {R::created, RE::supersede, ok, R::superseded},
    {R::approved, RE::approve, same, R::approved},
    {R::approved, RE::supersede, no, R::approved},
    {R::superseded, RE::approve, no, R::superseded},
    {R::superseded, RE::supersede, same, R::superseded},
};

}  // namespace

TEST_CASE("every batch state and event pair gives the tabled outcome") {
  REQUIRE(batch_table.size() == all_batch_states.size() * all_batch_events.size());
  for (const BatchState from : all_batch_states) {
    for (const BatchEvent event : all_batch_events) {
      int matches = 0;
      for (const BatchExpectation& row : batch_table) {
        if (row.from != from || row.event != event) continue;
        matches++;
        CAPTURE(to_string(from));
        CAPTURE(to_string(event));
        const BatchTransition result = transition(from, event);
        CHECK(result.outcome == row.outcome);
        CHECK(result.next == row.next);
      }
      CHECK(matches == 1);
    }
  }
}

TEST_CASE("every allocation run state and event pair gives the tabled outcome") {
  REQUIRE(run_table.size() == all_allocation_run_states.size() * all_allocation_run_events.size());
  for (const AllocationRunState from : all_allocation_run_states) {
    for (const AllocationRunEvent event : all_allocation_run_events) {
      int matches = 0;
      for (const RunExpectation& row : run_table) {
        if (row.from != from || row.event != event) continue;
        matches++;
        CAPTURE(to_string(from));
        CAPTURE(to_string(event));
        const AllocationRunTransition result = transition(from, event);
        CHECK(result.outcome == row.outcome);
        CHECK(result.next == row.next);
      }
      CHECK(matches == 1);
    }
  }
}

TEST_CASE("the creator of a batch or run may not approve it") {
  CHECK(check_approval(7, 7) == ApprovalCheck::same_user);
  CHECK(check_approval(7, 8) == ApprovalCheck::ok);
  CHECK(check_approval(8, 7) == ApprovalCheck::ok);
  CHECK(to_string(ApprovalCheck::same_user) == "same_user");
  CHECK(to_string(ApprovalCheck::ok) == "ok");
}

TEST_CASE("result files are accepted once the batch file exists") {
  CHECK_FALSE(accepts_results(BatchState::draft));
  CHECK_FALSE(accepts_results(BatchState::approved));
  CHECK(accepts_results(BatchState::submitted));
  CHECK(accepts_results(BatchState::reconciled));
  CHECK_FALSE(accepts_results(BatchState::cancelled));
}

TEST_CASE("batch and run state names are the stored contract and parse back") {
  CHECK(to_string(BatchState::draft) == "draft");
  CHECK(to_string(BatchState::approved) == "approved");
  CHECK(to_string(BatchState::submitted) == "submitted");
  CHECK(to_string(BatchState::reconciled) == "reconciled");
  CHECK(to_string(BatchState::cancelled) == "cancelled");
  for (const BatchState state : all_batch_states) {
    CHECK(parse_batch_state(to_string(state)) == state);
  }
  CHECK_FALSE(parse_batch_state("exported"));
  CHECK(to_string(AllocationRunState::created) == "created");
  CHECK(to_string(AllocationRunState::approved) == "approved");
  CHECK(to_string(AllocationRunState::superseded) == "superseded");
  for (const AllocationRunState state : all_allocation_run_states) {
    CHECK(parse_allocation_run_state(to_string(state)) == state);
  }
  CHECK_FALSE(parse_allocation_run_state("draft"));
  CHECK(to_string(BatchEvent::reconcile) == "reconcile");
  CHECK(to_string(AllocationRunEvent::supersede) == "supersede");
}
