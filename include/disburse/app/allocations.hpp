#pragma once
// Allocation runs (issue 4): the program's weighting rule, creating a run over the approved
// claims, showing, explaining and exporting it, and approving it into payments.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/domain/weighting.hpp"
#include "disburse/pg/allocation_repository.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

struct WeightingRuleView {
  std::int64_t program_id = 0;
  bool is_default = true;  // The program stores no rule of its own and uses the Ring rule.
  bool editable = true;    // False once a first-round run is approved.
  domain::WeightingRule rule = domain::default_ring_weighting_rule();
};

WeightingRuleView show_weighting_rule(pg::Database& database, const Actor& actor,
                                      std::int64_t program_id);
// Replaces the rule with `text` (the canonical form or anything parse_weighting_rule accepts);
// blank text returns to the default. Conflict once a first-round run is approved.
WeightingRuleView set_weighting_rule(pg::Transaction& transaction, const Actor& actor,
                                     std::int64_t program_id, std::string_view text);

struct AllocationRequest {
  std::int64_t program_id = 0;
  int round = 1;
  std::optional<std::string>
      seed;               // Decimal, below 2^63; derived from program and round if absent.
  std::string cap = "0";  // Decimal amount; zero for no per-claimant cap.
};

// Runs the engine over the program's approved claims and stores the run with one share per
// claimant. Conflict when a claimant cannot be weighed (the message counts them by reason).
pg::AllocationRunRecord create_allocation_run(pg::Transaction& transaction, const Actor& actor,
                                              const AllocationRequest& request);

pg::AllocationRunRecord show_allocation_run(pg::Database& database, const Actor& actor,
                                            std::int64_t run_id);

// The program's runs, newest first, at most `limit`. NotFound for an unknown program.
std::vector<pg::AllocationRunRecord> list_allocation_runs(pg::Database& database,
                                                          const Actor& actor,
                                                          std::int64_t program_id, int limit);

struct ApprovalOutcome {
  pg::AllocationRunRecord run;
  std::int64_t payments_created = 0;
  std::int64_t runs_superseded = 0;
  std::int64_t ledger_entry_id = 0;
  std::string program_status;
};

// Maker-checker (Forbidden when the approver created the run), one approved run per program
// and round, and the run must still match the current claims and settings (Conflict otherwise).
ApprovalOutcome approve_allocation_run(pg::Transaction& transaction, const Actor& actor,
                                       std::int64_t run_id);

struct ShareExplanation {
  std::int64_t run_id = 0;
  std::string claim_number;
  std::uint64_t weight = 0;
  domain::Money share;
  domain::ShareStatus status = domain::ShareStatus::paid;
  std::string sentence;
};

ShareExplanation explain_allocation_share(pg::Database& database, const Actor& actor,
                                          std::int64_t run_id, const std::string& claim_number);

// Checks the run exists and may be read, before a caller starts streaming its shares.
void require_readable_run(pg::Database& database, const Actor& actor, std::int64_t run_id);

// Writes the run's shares as CSV (claim_number,share,weight,status), streaming; returns the
// number of rows.
std::uint64_t write_shares_csv(pg::Database& database, const Actor& actor, std::int64_t run_id,
                               const std::function<void(std::string_view)>& sink);

}  // namespace disburse::app
