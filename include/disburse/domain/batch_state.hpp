#pragma once
// The batch lifecycle (DESIGN.md "Batch", issue 5), the allocation run lifecycle (DESIGN.md
// "Allocation run") and the maker-checker rule both of them obey.
//
//   batch:           draft → approved → submitted → reconciled;  draft | approved → cancelled
//   allocation run:  created → approved | superseded

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "disburse/domain/program_state.hpp"

namespace disburse::domain {

// Maker-checker: whoever created a batch or an allocation run may not approve it.
enum class ApprovalCheck : std::uint8_t { ok, same_user };

ApprovalCheck check_approval(std::int64_t creator_user_id, std::int64_t approver_user_id);

std::string_view to_string(ApprovalCheck check);

enum class BatchState : std::uint8_t {
  draft,       // Holds batched payments; may still be cancelled.
  approved,    // A second user approved it; a file may now be produced.
  submitted,   // Its provider file was produced; its payments are submitted.
  reconciled,  // Every payment in it has a settled outcome (see is_settled in payment_state).
  cancelled,   // Its payments went back to allocated.
};

inline constexpr std::array<BatchState, 5> all_batch_states = {
    BatchState::draft, BatchState::approved, BatchState::submitted, BatchState::reconciled,
    BatchState::cancelled};

enum class BatchEvent : std::uint8_t {
  approve,    // draft → approved, after check_approval said ok
  cancel,     // draft | approved → cancelled
  submit,     // approved → submitted, when the file is produced
  reconcile,  // submitted → reconciled
};

inline constexpr std::array<BatchEvent, 4> all_batch_events = {
    BatchEvent::approve, BatchEvent::cancel, BatchEvent::submit, BatchEvent::reconcile};

using BatchTransition = Transition<BatchState>;

// An approved batch may still be cancelled, because no file exists yet and so nothing has left
// the building; DESIGN.md names only draft → cancelled, and this is the one addition. Producing
// the file again answers already_in_state, so the second call changes no state.
BatchTransition transition(BatchState from, BatchEvent event);

// "draft", "approved", "submitted", "reconciled", "cancelled": stored in batches.state.
std::string_view to_string(BatchState state);
std::optional<BatchState> parse_batch_state(std::string_view text);
std::string_view to_string(BatchEvent event);

// Result files are accepted once the file exists, also after reconciliation, because ACH
// returns and cashed checks arrive weeks later.
bool accepts_results(BatchState state);

enum class AllocationRunState : std::uint8_t {
  created,     // Computed and stored; awaiting a second user's approval.
  approved,    // Its shares became payments. Final.
  superseded,  // A newer run for the same program and round replaced it. Final.
};

inline constexpr std::array<AllocationRunState, 3> all_allocation_run_states = {
    AllocationRunState::created, AllocationRunState::approved, AllocationRunState::superseded};

enum class AllocationRunEvent : std::uint8_t { approve, supersede };

inline constexpr std::array<AllocationRunEvent, 2> all_allocation_run_events = {
    AllocationRunEvent::approve, AllocationRunEvent::supersede};

using AllocationRunTransition = Transition<AllocationRunState>;

AllocationRunTransition transition(AllocationRunState from, AllocationRunEvent event);

// "created", "approved", "superseded": stored in allocation_runs.state.
std::string_view to_string(AllocationRunState state);
std::optional<AllocationRunState> parse_allocation_run_state(std::string_view text);
std::string_view to_string(AllocationRunEvent event);

}  // namespace disburse::domain
