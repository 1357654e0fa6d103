#pragma once
// Reconciliation (issue 6): the payments a result file may touch, the lines it held and the
// moves it caused. The use case decides (domain/reconciliation.hpp); this file only stores.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_method.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// What matching and deciding need to know about one payment of a batch.
struct ReconcilablePayment {
  std::int64_t id = 0;
  std::int64_t claimant_id = 0;
  std::string reference;
  std::string trace_number;       // Empty unless an ACH file gave it one.
  std::int64_t check_number = 0;  // 0 unless a check file gave it one.
  domain::PaymentState state = domain::PaymentState::submitted;
  domain::PaymentMethod method = domain::PaymentMethod::paypal;
  domain::Money amount;
  std::string currency;
};

// Every payment of the batch, locked FOR UPDATE, in id order.
std::vector<ReconcilablePayment> lock_batch_payments(Transaction& transaction,
                                                     std::int64_t batch_id);

// The fingerprints of the lines already applied to the batch's payments.
std::unordered_set<std::string> applied_fingerprints(Transaction& transaction,
                                                     std::int64_t batch_id);

struct NewReconciliation {
  std::int64_t program_id = 0;
  std::int64_t batch_id = 0;
  std::string kind;  // paypal_results, nacha_returns or paid_checks
  std::string file_sha256;
  std::string created_by;
};
std::int64_t insert_reconciliation(Transaction& transaction, const NewReconciliation& row);
void finish_reconciliation(Transaction& transaction, std::int64_t reconciliation_id,
                           std::int64_t lines, const std::string& counts_json);

struct StoredReconciliation {
  std::int64_t id = 0;
  std::int64_t program_id = 0;
  std::int64_t batch_id = 0;
  std::string kind;
  std::string file_sha256;
  std::int64_t lines = 0;
  std::string counts_json;
  std::string created_by;
  std::string created_at;  // ISO 8601, UTC
};
std::optional<StoredReconciliation> find_reconciliation(Transaction& transaction,
                                                        std::int64_t reconciliation_id);
std::vector<StoredReconciliation> list_reconciliations(Transaction& transaction,
                                                       std::int64_t batch_id);
// The program's reconciliations, newest first.
std::vector<StoredReconciliation> list_program_reconciliations(Transaction& transaction,
                                                               std::int64_t program_id, int limit);

// One line of a result file and what became of it.
struct ReconciliationLine {
  std::int64_t line_number = 0;
  std::string reference;
  std::int64_t payment_id = 0;  // 0 when no payment matched.
  std::string reported_status;
  std::optional<domain::Money> amount;
  std::string currency;
  std::string outcome;  // A ReconcileOutcome name, "malformed" or "change_applied".
  std::string from_state;
  std::string to_state;
  std::string fingerprint;
  std::string detail;
};
void insert_line(Transaction& transaction, std::int64_t reconciliation_id, std::int64_t batch_id,
                 const ReconciliationLine& line);

// Calls `visit` for each line of the reconciliation in line order, reading pages of `page_size`
// lines by keyset, so that a report of any length is never held in memory.
void for_each_line(Transaction& transaction, std::int64_t reconciliation_id, int page_size,
                   const std::function<void(const ReconciliationLine&)>& visit);

// One page of the reconciliation's lines after `after_line_number`, in line order; with
// `discrepancies_only`, only the lines a person must look at (unknown reference, mismatches,
// duplicates, contradictions, malformed lines).
std::vector<ReconciliationLine> lines_page(Transaction& transaction, std::int64_t reconciliation_id,
                                           std::int64_t after_line_number, int limit,
                                           bool discrepancies_only);

// Lines and the sum of their reported amounts, by outcome.
struct OutcomeTotal {
  std::string outcome;
  std::int64_t lines = 0;
  domain::Money amount;
};
std::vector<OutcomeTotal> outcome_totals(Transaction& transaction, std::int64_t reconciliation_id);

// Moves one payment from `from` to `to` with its event. Setting paid_at when it becomes paid.
// Returns false when the payment was not in `from` (then nothing was written).
bool move_payment(Transaction& transaction, std::int64_t payment_id, domain::PaymentState from,
                  domain::PaymentState to, const std::string& actor, const std::string& reason);

// A notification of change: the claimant's corrected bank data, already sealed. Empty strings
// keep the current value. Purged claimants are never touched; false then.
struct BankCorrection {
  std::int64_t claimant_id = 0;
  std::string routing_sealed;
  std::string account_sealed;
  std::string account_type;  // checking | savings | empty
};
bool correct_bank_data(Transaction& transaction, const BankCorrection& correction);

}  // namespace disburse::pg
