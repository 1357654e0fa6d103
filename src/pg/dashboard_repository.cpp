#include "disburse/pg/dashboard_repository.hpp"

#include <pqxx/pqxx>

namespace disburse::pg {

namespace {

std::vector<StateTotal> read_totals(const pqxx::result& rows) {
  std::vector<StateTotal> totals;
  for (const auto& row : rows) {
    totals.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(),
                      domain::Money::from_cents(row[2].as<std::int64_t>())});
  }
  return totals;
}

}  // namespace

std::vector<StateTotal> claim_counts_by_state(Transaction& transaction, std::int64_t program_id) {
  return read_totals(transaction.sql().exec_params(
      "SELECT s.state, count(c.id), 0::bigint FROM unnest(ARRAY['pending_review', 'approved', "
      "'deficient', 'denied']) WITH ORDINALITY AS s(state, position) LEFT JOIN claimants c "
      "ON c.claim_state = s.state AND c.program_id = $1 GROUP BY s.state, s.position "
      "ORDER BY s.position",
      program_id));
}

std::vector<StateTotal> payment_totals_by_state(Transaction& transaction, std::int64_t program_id) {
  return read_totals(transaction.sql().exec_params(
      "SELECT s.state, count(p.id), coalesce(sum(p.amount_cents), 0)::bigint FROM "
      "unnest(ARRAY['allocated', 'batched', 'submitted', 'unclaimed', 'paid', 'expired', "
      "'returned', 'failed', 'voided', 'reissued', 'pooled']) WITH ORDINALITY AS s(state, position) "
      "LEFT JOIN payments p ON p.state = s.state AND p.program_id = $1 "
      "GROUP BY s.state, s.position ORDER BY s.position",
      program_id));
}

}  // namespace disburse::pg
