#pragma once
// Closing and purging a program (issue 6).

#include <cstdint>
#include <string>

#include "disburse/pg/database.hpp"

namespace disburse::pg {

// Payments of the program whose money is still on its way: allocated, batched, submitted,
// unclaimed.
std::int64_t count_unsettled_payments(Transaction& transaction, std::int64_t program_id);

// What a purge erased, by table.
struct PurgeCounts {
  std::int64_t claimants = 0;                  // Personal columns set to NULL.
  std::int64_t import_rejection_records = 0;   // raw_record set to NULL.
  std::int64_t import_chunks = 0;              // Uploaded file chunks deleted.
  std::int64_t claimant_change_proposals = 0;  // proposed_sealed set to NULL.
  std::int64_t batch_files = 0;                // Provider file contents emptied (sha256 kept).
};

// Erases every personal data column of the program's claimants and everything derived from
// their records; keeps ids, claim numbers, amounts, the ledger and the audit log.
PurgeCounts erase_personal_data(Transaction& transaction, std::int64_t program_id);

}  // namespace disburse::pg
