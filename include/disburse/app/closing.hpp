#pragma once
// Closing a program and purging its personal data (issue 6, DESIGN.md "Second distribution and
// close").
//
// Close: refused while any payment is still on its way (allocated, batched, submitted,
// unclaimed: expire, void or reconcile them first). Every attempt whose money came back and was
// not reissued is released to the pool for good; what remains unallocated or in the returned
// pool goes to the residual-to-Treasury account in one entry; the program becomes closed and no
// money moves after. The administration reserve stays: it pays for the administration.
//
// Purge: only a closed program. Erases the personal data (pg::erase_personal_data lists it),
// keeps amounts, ids, the ledger and the audit chain, reports exactly what it erased, and is
// itself audited (with counts only).

#include <cstdint>
#include <nlohmann/json.hpp>

#include "disburse/app/actor.hpp"
#include "disburse/domain/money.hpp"
#include "disburse/pg/closing_repository.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

struct CloseResult {
  std::int64_t program_id = 0;
  std::int64_t payments_released = 0;
  domain::Money unallocated_to_treasury;
  domain::Money pool_to_treasury;
  std::int64_t ledger_entry_id = 0;  // 0 when nothing remained.
};

CloseResult close_program(pg::Database& database, const Actor& actor, std::int64_t program_id);
// The same in the caller's transaction: the HTTP route commits it with its Idempotency-Key.
CloseResult close_program(pg::Transaction& transaction, const Actor& actor,
                          std::int64_t program_id);
nlohmann::json close_json(const CloseResult& result);

struct PurgeResult {
  std::int64_t program_id = 0;
  pg::PurgeCounts erased;
};

PurgeResult purge_program(pg::Database& database, const Actor& actor, std::int64_t program_id);
PurgeResult purge_program(pg::Transaction& transaction, const Actor& actor,
                          std::int64_t program_id);
// {"program_id", "status", "erased": {"claimants", "claimant_columns": [...], ...}}
nlohmann::json purge_json(const PurgeResult& result);

}  // namespace disburse::app
