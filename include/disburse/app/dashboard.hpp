#pragma once
// What the console's dashboard shows for each program: where the fund's money is now (the
// ledger's roll-forward), claims by state and payments by state.

#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/program.hpp"
#include "disburse/pg/dashboard_repository.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

struct ProgramDashboard {
  domain::Program program;
  domain::ledger::RollForward roll_forward;
  std::vector<pg::StateTotal> claims;
  std::vector<pg::StateTotal> payments;
};

// Every program's dashboard, from one consistent snapshot.
std::vector<ProgramDashboard> load_dashboard(pg::Database& database, const Actor& actor);

}  // namespace disburse::app
