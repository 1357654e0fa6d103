#include "disburse/app/dashboard.hpp"

#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

std::vector<ProgramDashboard> load_dashboard(pg::Database& database, const Actor& actor) {
  require(actor, domain::Permission::read_program);
  return database.read([](pg::Transaction& transaction) {
    std::vector<ProgramDashboard> dashboards;
    for (domain::Program& program : pg::list_programs(transaction)) {
      const auto balances = pg::ledger_balances(transaction, program.id);
      dashboards.push_back({program,
                            domain::ledger::roll_forward(program.settings.fund, balances),
                            pg::claim_counts_by_state(transaction, program.id),
                            pg::payment_totals_by_state(transaction, program.id)});
    }
    return dashboards;
  });
}

}  // namespace disburse::app
