#include "disburse/pg/second_round_repository.hpp"

#include <pqxx/pqxx>

namespace disburse::pg {

std::vector<domain::AllocationClaimant> redeemer_weights(Transaction& transaction,
                                                         std::int64_t program_id, int round) {
  std::vector<domain::AllocationClaimant> claimants;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT s.claimant_id, s.weight FROM allocation_shares s "
           "JOIN allocation_runs r ON r.id = s.run_id "
           "WHERE r.program_id = $1 AND r.round = $2 AND r.state = 'approved' AND EXISTS ("
           "  SELECT 1 FROM payments p WHERE p.program_id = $1 AND p.round = $2 "
           "  AND p.claimant_id = s.claimant_id AND p.state = 'paid') "
           "ORDER BY s.claimant_id",
           program_id, round)) {
    claimants.push_back({row[0].as<std::int64_t>(), row[1].as<std::uint64_t>()});
  }
  return claimants;
}

std::int64_t release_earlier_rounds(Transaction& transaction, std::int64_t program_id, int round,
                                    domain::PaymentState from, domain::PaymentState to,
                                    const std::string& actor, const std::string& reason) {
  return transaction.sql()
      .exec_params1(
          "WITH moved AS (UPDATE payments SET state = $4, state_changed_at = now() "
          "  WHERE program_id = $1 AND round < $2 AND state = $3 RETURNING id), "
          "events AS (INSERT INTO payment_events (payment_id, from_state, to_state, actor, "
          "  reason) SELECT id, $3, $4, $5, $6 FROM moved) "
          "SELECT count(*) FROM moved",
          program_id, round, std::string(domain::to_string(from)),
          std::string(domain::to_string(to)), actor, reason)[0]
      .as<std::int64_t>();
}

}  // namespace disburse::pg
