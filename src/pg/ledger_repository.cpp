#include "disburse/pg/ledger_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"

namespace disburse::pg {

std::int64_t post_entry(Transaction& transaction, const EntryContext& context,
                        const domain::ledger::Entry& entry) {
  DISBURSE_ASSERT(domain::ledger::is_balanced(entry));
  DISBURSE_ASSERT(context.program_id > 0);
  auto& sql = transaction.sql();
  const std::int64_t entry_id =
      sql.exec_params1(
             "INSERT INTO ledger_entries (program_id, kind, memo, run_id, batch_id, payment_id, "
             "actor) VALUES ($1, $2, $3, NULLIF($4, 0), NULLIF($5, 0), NULLIF($6, 0), $7) "
             "RETURNING id",
             context.program_id, std::string(domain::ledger::to_string(entry.kind)), context.memo,
             context.run_id, context.batch_id, context.payment_id, context.actor)[0]
          .as<std::int64_t>();
  for (const auto& posting : entry.postings) {
    sql.exec_params0(
        "INSERT INTO ledger_postings (entry_id, account, amount_cents) VALUES ($1, $2, $3)",
        entry_id, std::string(domain::ledger::to_string(posting.account)), posting.amount.cents());
  }
  return entry_id;
}

domain::ledger::Balances ledger_balances(Transaction& transaction, std::int64_t program_id) {
  domain::ledger::Balances balances;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT p.account, sum(p.amount_cents)::bigint FROM ledger_postings p "
           "JOIN ledger_entries e ON e.id = p.entry_id WHERE e.program_id = $1 GROUP BY p.account",
           program_id)) {
    const auto account = domain::ledger::parse_account(row[0].as<std::string>());
    DISBURSE_ASSERT(account.has_value());
    balances.add(*account, domain::Money::from_cents(row[1].as<std::int64_t>()));
  }
  return balances;
}

std::int64_t count_unbalanced_entries(Transaction& transaction, std::int64_t program_id) {
  return transaction.sql()
      .exec_params1("SELECT count(*) FROM (SELECT e.id FROM ledger_entries e "
                    "LEFT JOIN ledger_postings p ON p.entry_id = e.id WHERE e.program_id = $1 "
                    "GROUP BY e.id HAVING coalesce(sum(p.amount_cents), 0) <> 0 "
                    "OR count(p.account) < 2) unbalanced",
                    program_id)[0]
      .as<std::int64_t>();
}

}  // namespace disburse::pg
