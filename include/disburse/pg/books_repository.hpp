#pragma once
// The figures `disburse check` compares (domain/books_check.hpp), each loaded with one
// set-based aggregate query. Call them in one read transaction, so that they share a snapshot.

#include <cstdint>
#include <vector>

#include "disburse/domain/books_check.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// Every account's balance and the sum of its positive postings.
domain::LedgerFigures ledger_figures(Transaction& transaction, std::int64_t program_id);

// Entries whose postings do not sum to zero or that have fewer than two postings, at most
// `limit` of them.
std::vector<domain::UnbalancedEntry> unbalanced_entries(Transaction& transaction,
                                                        std::int64_t program_id, int limit);

// The sum of the program's payment amounts in each state.
domain::PaymentTotals payment_totals(Transaction& transaction, std::int64_t program_id);

// Every claimant with an approved share, a reissue or a payment, in claimant id order:
// allocated from the approved allocation runs' shares plus the reissue entries, and the
// payments summed by state into the domain's buckets.
std::vector<domain::ClaimantFigures> claimant_figures(Transaction& transaction,
                                                      std::int64_t program_id);

}  // namespace disburse::pg
