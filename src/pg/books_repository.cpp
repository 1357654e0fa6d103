#include "disburse/pg/books_repository.hpp"

#include <limits>
#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"

namespace disburse::pg {

namespace {

domain::Money money_of(const pqxx::field& field) {
  return domain::Money::from_cents(field.as<std::int64_t>());
}

domain::PaymentState state_of(const pqxx::field& field) {
  const auto state = domain::parse_payment_state(field.as<std::string>());
  DISBURSE_ASSERT(state.has_value());
  return *state;
}

// What each claimant was allocated: approved shares (first and later rounds) and reissues.
std::vector<std::pair<std::int64_t, domain::Money>> allocated_by_claimant(
    Transaction& transaction, std::int64_t program_id) {
  std::vector<std::pair<std::int64_t, domain::Money>> allocated;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT claimant_id, sum(amount_cents)::bigint FROM ("
           "  SELECT s.claimant_id, s.share_cents AS amount_cents FROM allocation_shares s"
           "  JOIN allocation_runs r ON r.id = s.run_id"
           "  WHERE r.program_id = $1 AND r.state = 'approved' AND s.share_cents > 0"
           "  UNION ALL"
           "  SELECT p.claimant_id, lp.amount_cents FROM ledger_entries e"
           "  JOIN ledger_postings lp ON lp.entry_id = e.id AND lp.account = 'allocated'"
           "  JOIN payments p ON p.id = e.payment_id"
           "  WHERE e.program_id = $1 AND e.kind = 'reissue'"
           ") allocations GROUP BY claimant_id ORDER BY claimant_id",
           program_id)) {
    allocated.emplace_back(row[0].as<std::int64_t>(), money_of(row[1]));
  }
  return allocated;
}

}  // namespace

domain::LedgerFigures ledger_figures(Transaction& transaction, std::int64_t program_id) {
  domain::LedgerFigures figures;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT p.account, sum(p.amount_cents)::bigint, "
           "coalesce(sum(p.amount_cents) FILTER (WHERE p.amount_cents > 0), 0)::bigint "
           "FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id "
           "WHERE e.program_id = $1 GROUP BY p.account",
           program_id)) {
    const auto account = domain::ledger::parse_account(row[0].as<std::string>());
    DISBURSE_ASSERT(account.has_value());
    figures.set(*account, {money_of(row[1]), money_of(row[2])});
  }
  return figures;
}

std::vector<domain::UnbalancedEntry> unbalanced_entries(Transaction& transaction,
                                                        std::int64_t program_id, int limit) {
  std::vector<domain::UnbalancedEntry> entries;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT e.id, coalesce(sum(p.amount_cents), 0)::bigint FROM ledger_entries e "
           "LEFT JOIN ledger_postings p ON p.entry_id = e.id WHERE e.program_id = $1 "
           "GROUP BY e.id HAVING coalesce(sum(p.amount_cents), 0) <> 0 OR count(p.account) < 2 "
           "ORDER BY e.id LIMIT $2",
           program_id, limit)) {
    entries.push_back({row[0].as<std::int64_t>(), money_of(row[1])});
  }
  return entries;
}

domain::PaymentTotals payment_totals(Transaction& transaction, std::int64_t program_id) {
  domain::PaymentTotals totals;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT state, sum(amount_cents)::bigint FROM payments WHERE program_id = $1 "
           "GROUP BY state",
           program_id)) {
    totals.add(state_of(row[0]), money_of(row[1]));
  }
  return totals;
}

std::vector<domain::ClaimantFigures> claimant_figures(Transaction& transaction,
                                                      std::int64_t program_id) {
  const auto allocated = allocated_by_claimant(transaction, program_id);
  const pqxx::result payments = transaction.sql().exec_params(
      "SELECT claimant_id, state, sum(amount_cents)::bigint FROM payments "
      "WHERE program_id = $1 GROUP BY claimant_id, state ORDER BY claimant_id",
      program_id);
  // A merge of the two lists, both in claimant id order.
  std::vector<domain::ClaimantFigures> claimants;
  claimants.reserve(allocated.size());
  std::size_t next_allocated = 0;
  const auto figures_for = [&](std::int64_t claimant_id) -> domain::ClaimantFigures& {
    while (next_allocated < allocated.size() && allocated[next_allocated].first <= claimant_id) {
      const auto& [id, amount] = allocated[next_allocated++];
      if (claimants.empty() || claimants.back().claimant_id != id) {
        claimants.push_back(domain::ClaimantFigures{});
        claimants.back().claimant_id = id;
      }
      claimants.back().allocated += amount;
    }
    if (claimants.empty() || claimants.back().claimant_id != claimant_id) {
      claimants.push_back(domain::ClaimantFigures{});
      claimants.back().claimant_id = claimant_id;
    }
    return claimants.back();
  };
  for (const auto& row : payments) {
    figures_for(row[0].as<std::int64_t>()).add_payment(state_of(row[1]), money_of(row[2]));
  }
  figures_for(std::numeric_limits<std::int64_t>::max());
  claimants.pop_back();  // The sentinel that flushed the allocations left over.
  return claimants;
}

}  // namespace disburse::pg
