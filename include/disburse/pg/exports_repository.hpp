#pragma once
// Finance exports (issue 6): every query pages by keyset, so that an export of any size streams
// through a visitor and is never held in memory. Run them in one read transaction: the pages
// then share one snapshot and the totals tie out with the books.

#include <cstdint>
#include <functional>
#include <string>

#include "disburse/domain/money.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/pg/reconciliation_repository.hpp"

namespace disburse::pg {

struct PaymentExportRow {
  std::int64_t id = 0;
  std::string claim_number;
  int round = 0;
  int attempt = 0;
  std::string method;
  domain::Money amount;
  std::string currency;
  std::string state;
  std::string reference;
  std::int64_t batch_id = 0;
  std::int64_t previous_payment_id = 0;
  std::string created_at;  // ISO 8601 UTC, like every timestamp below; empty when none.
  std::string submitted_at;
  std::string paid_at;
  std::string state_changed_at;
  std::string history;  // "allocated 2026-…Z; batched 2026-…Z; …" from the payment's events.
};
void for_each_payment(Transaction& transaction, std::int64_t program_id, int page_size,
                      const std::function<void(const PaymentExportRow&)>& visit);

struct LedgerExportRow {
  std::int64_t entry_id = 0;
  std::string created_at;
  std::string kind;
  std::string account;
  domain::Money amount;
  std::string memo;
  std::int64_t run_id = 0;
  std::int64_t batch_id = 0;
  std::int64_t payment_id = 0;
  std::string actor;
};
// One row per posting, in entry then account order.
void for_each_posting(Transaction& transaction, std::int64_t program_id, int page_size,
                      const std::function<void(const LedgerExportRow&)>& visit);

struct RegulatorRow {
  std::string state;  // The claimants' US state; "" when unknown.
  std::int64_t claimants = 0;
  std::int64_t claimants_with_payments = 0;
  std::int64_t redeemers = 0;  // Claimants with at least one paid payment.
  std::int64_t payments = 0;
  domain::Money paid;
};
// At most one row per state (a few dozen), in state order.
void for_each_regulator_row(Transaction& transaction, std::int64_t program_id,
                            const std::function<void(const RegulatorRow&)>& visit);

struct DiscrepancyRow {
  std::int64_t reconciliation_id = 0;
  std::int64_t batch_id = 0;
  std::string kind;
  std::string created_at;
  ReconciliationLine line;
};
void for_each_discrepancy(Transaction& transaction, std::int64_t program_id, int page_size,
                          const std::function<void(const DiscrepancyRow&)>& visit);

}  // namespace disburse::pg
