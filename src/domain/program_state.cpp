#include "disburse/domain/program_state.hpp"

#include <cstddef>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::array<std::string_view, 4> program_state_names = {"setup", "distributing", "closed",
                                                                 "purged"};
constexpr std::array<std::string_view, 3> program_event_names = {"start_distribution", "close",
                                                                 "purge"};

// The state an event leads to, wherever it is allowed.
ProgramState target_of(ProgramEvent event) {
  switch (event) {
    case ProgramEvent::start_distribution:
      return ProgramState::distributing;
    case ProgramEvent::close:
      return ProgramState::closed;
    case ProgramEvent::purge:
      return ProgramState::purged;
  }
  DISBURSE_ASSERT(false);
  return ProgramState::setup;
}

bool is_allowed_source(ProgramState from, ProgramEvent event) {
  switch (event) {
    case ProgramEvent::start_distribution:
      return from == ProgramState::setup;
    case ProgramEvent::close:
      return from == ProgramState::setup || from == ProgramState::distributing;
    case ProgramEvent::purge:
      return from == ProgramState::closed;
  }
  return false;
}

}  // namespace

std::string_view to_string(TransitionOutcome outcome) {
  switch (outcome) {
    case TransitionOutcome::ok:
      return "ok";
    case TransitionOutcome::not_allowed:
      return "not_allowed";
    case TransitionOutcome::already_in_state:
      return "already_in_state";
  }
  return "unknown";
}

std::int64_t deadline_epoch_seconds(std::int64_t start_epoch_seconds, std::int64_t window_days) {
  DISBURSE_ASSERT(window_days > 0 && window_days <= max_window_days);
  std::int64_t deadline = 0;
  DISBURSE_ASSERT(
      !__builtin_add_overflow(start_epoch_seconds, window_days * seconds_per_day, &deadline));
  return deadline;
}

ProgramTransition transition(ProgramState from, ProgramEvent event) {
  const ProgramState target = target_of(event);
  if (is_allowed_source(from, event)) return {TransitionOutcome::ok, target};
  if (from == target) return {TransitionOutcome::already_in_state, from};
  return {TransitionOutcome::not_allowed, from};
}

std::string_view to_string(ProgramState state) {
  const auto index = static_cast<std::size_t>(state);
  DISBURSE_ASSERT(index < program_state_names.size());
  return program_state_names[index];
}

std::optional<ProgramState> parse_program_state(std::string_view text) {
  for (const ProgramState state : all_program_states) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

std::string_view to_string(ProgramEvent event) {
  const auto index = static_cast<std::size_t>(event);
  DISBURSE_ASSERT(index < program_event_names.size());
  return program_event_names[index];
}

bool money_may_move(ProgramState state) {
  return state == ProgramState::setup || state == ProgramState::distributing;
}

bool personal_data_may_be_purged(ProgramState state) {
  return state == ProgramState::closed;
}

}  // namespace disburse::domain
