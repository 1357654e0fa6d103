#pragma once
// The program lifecycle (DESIGN.md "Program"): setup → distributing → closed → purged.
//
// This header also holds what every lifecycle of a program shares: the outcome of one pure
// transition function and the day arithmetic of the program's deadlines (payment windows, the
// cure window of a deficient claim).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace disburse::domain {

// What a transition function answers for one (state, event) pair.
enum class TransitionOutcome : std::uint8_t {
  ok,           // The event moves the object to `next`.
  not_allowed,  // The event makes no sense in this state; `next` is the unchanged state.
  // The event's target is the current state: a repeat, such as producing a batch file twice.
  // Nothing changes, and the caller must not repeat the side effects (audit, ledger, files).
  already_in_state,
};

std::string_view to_string(TransitionOutcome outcome);

template <typename State>
struct Transition {
  TransitionOutcome outcome = TransitionOutcome::not_allowed;
  State next{};

  bool ok() const { return outcome == TransitionOutcome::ok; }
  friend bool operator==(const Transition&, const Transition&) = default;
};

inline constexpr std::int64_t seconds_per_day = 86'400;

// Windows longer than this are configuration mistakes; the bound also keeps the arithmetic
// far from int64 overflow.
inline constexpr std::int64_t max_window_days = 3'650;

// The last instant that still belongs to a window of `window_days` opened at `start`. The
// deadline itself is inside the window: a PayPal payment accepted exactly 30 days after it was
// sent is accepted in time.
std::int64_t deadline_epoch_seconds(std::int64_t start_epoch_seconds, std::int64_t window_days);

enum class ProgramState : std::uint8_t {
  setup,         // Created, the fund deposited; lists are imported and allocated.
  distributing,  // The first allocation run was approved; payments go out.
  closed,        // What remained went to the Treasury. No money moves any more.
  purged,        // Personal data erased; amounts, pseudonymous ids and the audit chain remain.
};

inline constexpr std::array<ProgramState, 4> all_program_states = {
    ProgramState::setup, ProgramState::distributing, ProgramState::closed, ProgramState::purged};

enum class ProgramEvent : std::uint8_t {
  start_distribution,  // setup → distributing, when the first allocation run is approved.
  close,               // setup | distributing → closed. A program abandoned in setup closes too.
  purge,               // closed → purged.
};

inline constexpr std::array<ProgramEvent, 3> all_program_events = {
    ProgramEvent::start_distribution, ProgramEvent::close, ProgramEvent::purge};

using ProgramTransition = Transition<ProgramState>;

ProgramTransition transition(ProgramState from, ProgramEvent event);

// "setup", "distributing", "closed", "purged": stored in programs.status.
std::string_view to_string(ProgramState state);
std::optional<ProgramState> parse_program_state(std::string_view text);
std::string_view to_string(ProgramEvent event);

// Whether a ledger entry may be written for the program. The fund deposit and the reserve are
// booked in setup; the close use case books the residual while the program still distributes
// and only then closes it, so nothing moves once it is closed.
bool money_may_move(ProgramState state);

// Personal data is erased only after the money is settled and the program closed.
bool personal_data_may_be_purged(ProgramState state);

}  // namespace disburse::domain
