#pragma once
// Reconciliation of provider results (issue 6; docs/reconciliation.md): a PayPal item results
// file, a NACHA returns file (addenda 99 returns, addenda 98 notifications of change) or a
// bank's paid-checks file, imported against the batch it answers.
//
// One transaction per file: every line's payment transition, the ledger entries, the stored
// lines and the report commit together or not at all. A run killed mid-file leaves nothing,
// so running it again applies exactly what the first run did not. Lines already applied by an
// earlier import (same fingerprint) are reported as already_applied and change nothing.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/pg/reconciliation_repository.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

struct ReconciliationReport {
  std::int64_t id = 0;
  std::int64_t program_id = 0;
  std::int64_t batch_id = 0;
  std::string kind;  // paypal_results | nacha_returns | paid_checks
  std::string file_sha256;
  std::int64_t lines = 0;
  // Lines by outcome: applied, already_applied, unknown_reference, amount_mismatch,
  // currency_mismatch, duplicate, contradicting, unchanged, ignored_pending, malformed,
  // change_applied.
  std::map<std::string, std::int64_t> counts;
  std::string created_by;
  std::string created_at;
};

// Runs in the caller's transaction, so that the API stores its idempotent response with it.
// Throws NotFound for an unknown batch, Conflict for a batch without a file or a program where
// no money moves any more, InvalidInput for a file that cannot be read as a whole (nothing is
// then written). A bad line never stops the file: it is reported as malformed.
ReconciliationReport reconcile(pg::Transaction& transaction, const Actor& actor,
                               const security::SecretBox& secrets, std::int64_t batch_id,
                               const std::string& content);

ReconciliationReport show_reconciliation(pg::Database& database, const Actor& actor,
                                         std::int64_t reconciliation_id);

// The reconciliations of one batch, oldest first, and of one program, newest first.
std::vector<ReconciliationReport> list_batch_reconciliations(pg::Database& database,
                                                             const Actor& actor,
                                                             std::int64_t batch_id);
std::vector<ReconciliationReport> list_program_reconciliations(pg::Database& database,
                                                               const Actor& actor,
                                                               std::int64_t program_id, int limit);

// A reconciliation with its totals by outcome and one page of its lines, read in one snapshot.
struct ReconciliationLinesPage {
  ReconciliationReport report;
  std::vector<pg::OutcomeTotal> totals;
  std::vector<pg::ReconciliationLine> lines;
  std::int64_t next_after_line_number = 0;  // 0 on the last page.
  // Earlier reconciliations of the same batch from the very same file (a replay).
  std::vector<std::int64_t> same_file_reconciliation_ids;
};
ReconciliationLinesPage show_reconciliation_lines(pg::Database& database, const Actor& actor,
                                                  std::int64_t reconciliation_id,
                                                  std::int64_t after_line_number, int limit,
                                                  bool discrepancies_only);

// Every line with its outcome, as CSV, read page by page (never the whole report in memory).
void export_reconciliation_report(pg::Database& database, const Actor& actor,
                                  std::int64_t reconciliation_id, std::ostream& output);

// {"reconciliation_id", "batch_id", "kind", "lines", "applied", "already_applied", "unknown",
//  "mismatched", "amount_mismatch", "currency_mismatch", "duplicate", "contradicting",
//  "unchanged", "pending", "malformed", "changes_applied", ...}
nlohmann::json reconciliation_json(const ReconciliationReport& report);

}  // namespace disburse::app
