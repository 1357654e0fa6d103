#include "disburse/domain/program_state.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace disburse::domain;

namespace {

struct Expectation {
  ProgramState from;
  ProgramEvent event;
  TransitionOutcome outcome;
  ProgramState next;
};

constexpr auto ok = TransitionOutcome::ok;
constexpr auto no = TransitionOutcome::not_allowed;
constexpr auto same = TransitionOutcome::already_in_state;
using S = ProgramState;
using E = ProgramEvent;

// Every (state, event) pair, written out.
const std::vector<Expectation> program_table = {
    {S::setup, E::start_distribution, ok, S::distributing},
    {S::setup, E::close, ok, S::closed},
    {S::setup, E::purge, no, S::setup},
    {S::distributing, E::start_distribution, same, S::distributing},
    {S::distributing, E::close, ok, S::closed},
    {S::distributing, E::purge, no, S::distributing},
    {S::closed, E::start_distribution, no, S::closed},
    {S::closed, E::close, same, S::closed},
    {S::closed, E::purge, ok, S::purged},
    {S::purged, E::start_distribution, no, S::purged},
    {S::purged, E::close, no, S::purged},
    {S::purged, E::purge, same, S::purged},
};

}  // namespace

TEST_CASE("every program state and event pair gives the tabled outcome") {
  REQUIRE(program_table.size() == all_program_states.size() * all_program_events.size());
  for (const ProgramState from : all_program_states) {
    for (const ProgramEvent event : all_program_events) {
      int matches = 0;
      for (const Expectation& row : program_table) {
        if (row.from != from || row.event != event) continue;
        matches++;
        CAPTURE(to_string(from));
        CAPTURE(to_string(event));
        const ProgramTransition result = transition(from, event);
        CHECK(result.outcome == row.outcome);
        CHECK(result.next == row.next);
      }
      CHECK(matches == 1);
    }
  }
}

TEST_CASE("program state names are the stored contract and parse back") {
  CHECK(to_string(ProgramState::setup) == "setup");
  CHECK(to_string(ProgramState::distributing) == "distributing");
  CHECK(to_string(ProgramState::closed) == "closed");
  CHECK(to_string(ProgramState::purged) == "purged");
  for (const ProgramState state : all_program_states) {
    CHECK(parse_program_state(to_string(state)) == state);
  }
  CHECK_FALSE(parse_program_state("Setup"));
  CHECK_FALSE(parse_program_state(""));
  CHECK_FALSE(parse_program_state("open"));
}

TEST_CASE("money moves only before a program is closed") {
  CHECK(money_may_move(ProgramState::setup));
  CHECK(money_may_move(ProgramState::distributing));
  CHECK_FALSE(money_may_move(ProgramState::closed));
  CHECK_FALSE(money_may_move(ProgramState::purged));
}

TEST_CASE("personal data may be purged only from a closed program") {
  CHECK_FALSE(personal_data_may_be_purged(ProgramState::setup));
  CHECK_FALSE(personal_data_may_be_purged(ProgramState::distributing));
  CHECK(personal_data_may_be_purged(ProgramState::closed));
  CHECK_FALSE(personal_data_may_be_purged(ProgramState::purged));
}

TEST_CASE("a deadline is the start plus whole days and includes its last second") {
  CHECK(deadline_epoch_seconds(0, 1) == 86'400);
  CHECK(deadline_epoch_seconds(1'712'000'000, 30) == 1'712'000'000 + 30 * 86'400);
  CHECK(deadline_epoch_seconds(-86'400, 1) == 0);
}

TEST_CASE("transition outcomes have stable names") {
  CHECK(to_string(TransitionOutcome::ok) == "ok");
  CHECK(to_string(TransitionOutcome::not_allowed) == "not_allowed");
  CHECK(to_string(TransitionOutcome::already_in_state) == "already_in_state");
  CHECK(to_string(ProgramEvent::start_distribution) == "start_distribution");
}
