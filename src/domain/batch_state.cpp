#include "disburse/domain/batch_state.hpp"

#include <cstddef>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::array<std::string_view, 5> batch_state_names = {"draft", "approved", "submitted",
                                                               "reconciled", "cancelled"};
constexpr std::array<std::string_view, 4> batch_event_names = {"approve", "cancel", "submit",
                                                               "reconcile"};
constexpr std::array<std::string_view, 3> run_state_names = {"created", "approved", "superseded"};
constexpr std::array<std::string_view, 2> run_event_names = {"approve", "supersede"};

BatchState target_of(BatchEvent event) {
  switch (event) {
    case BatchEvent::approve:
      return BatchState::approved;
    case BatchEvent::cancel:
      return BatchState::cancelled;
    case BatchEvent::submit:
      return BatchState::submitted;
    case BatchEvent::reconcile:
      return BatchState::reconciled;
  }
  DISBURSE_ASSERT(false);
  return BatchState::draft;
}

bool is_allowed_source(BatchState from, BatchEvent event) {
  switch (event) {
    case BatchEvent::approve:
      return from == BatchState::draft;
    case BatchEvent::cancel:
      return from == BatchState::draft || from == BatchState::approved;
    case BatchEvent::submit:
      return from == BatchState::approved;
    case BatchEvent::reconcile:
      return from == BatchState::submitted;
  }
  return false;
}

AllocationRunState target_of(AllocationRunEvent event) {
  switch (event) {
    case AllocationRunEvent::approve:
      return AllocationRunState::approved;
    case AllocationRunEvent::supersede:
      return AllocationRunState::superseded;
  }
  DISBURSE_ASSERT(false);
  return AllocationRunState::created;
}

}  // namespace

ApprovalCheck check_approval(std::int64_t creator_user_id, std::int64_t approver_user_id) {
  return creator_user_id == approver_user_id ? ApprovalCheck::same_user : ApprovalCheck::ok;
}

std::string_view to_string(ApprovalCheck check) {
  switch (check) {
    case ApprovalCheck::ok:
      return "ok";
    case ApprovalCheck::same_user:
      return "same_user";
  }
  return "unknown";
}

BatchTransition transition(BatchState from, BatchEvent event) {
  const BatchState target = target_of(event);
  if (is_allowed_source(from, event)) return {TransitionOutcome::ok, target};
  if (from == target) return {TransitionOutcome::already_in_state, from};
  return {TransitionOutcome::not_allowed, from};
}

std::string_view to_string(BatchState state) {
  const auto index = static_cast<std::size_t>(state);
  DISBURSE_ASSERT(index < batch_state_names.size());
  return batch_state_names[index];
}

std::optional<BatchState> parse_batch_state(std::string_view text) {
  for (const BatchState state : all_batch_states) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view to_string(BatchEvent event) {
  const auto index = static_cast<std::size_t>(event);
  DISBURSE_ASSERT(index < batch_event_names.size());
  return batch_event_names[index];
}

bool accepts_results(BatchState state) {
  return state == BatchState::submitted || state == BatchState::reconciled;
}

AllocationRunTransition transition(AllocationRunState from, AllocationRunEvent event) {
  const AllocationRunState target = target_of(event);
  if (from == AllocationRunState::created) return {TransitionOutcome::ok, target};
  if (from == target) return {TransitionOutcome::already_in_state, from};
  return {TransitionOutcome::not_allowed, from};
}

std::string_view to_string(AllocationRunState state) {
  const auto index = static_cast<std::size_t>(state);
  DISBURSE_ASSERT(index < run_state_names.size());
  return run_state_names[index];
}

std::optional<AllocationRunState> parse_allocation_run_state(std::string_view text) {
  for (const AllocationRunState state : all_allocation_run_states) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view to_string(AllocationRunEvent event) {
  const auto index = static_cast<std::size_t>(event);
  DISBURSE_ASSERT(index < run_event_names.size());
  return run_event_names[index];
}

}  // namespace disburse::domain
