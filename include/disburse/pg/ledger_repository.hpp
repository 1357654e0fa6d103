#pragma once

#include <cstdint>
#include <string>

#include "disburse/domain/ledger.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// What an entry is about, besides its postings; zero ids mean "none".
struct EntryContext {
  std::int64_t program_id = 0;
  std::string actor;
  std::string memo;
  std::int64_t run_id = 0;
  std::int64_t batch_id = 0;
  std::int64_t payment_id = 0;
};

// Books one balanced entry in the caller's transaction and returns its id. Asserts balance:
// an unbalanced entry is a bug in the caller, never something to store.
std::int64_t post_entry(Transaction& transaction, const EntryContext& context,
                        const domain::ledger::Entry& entry);

// The program's balance of every account.
domain::ledger::Balances ledger_balances(Transaction& transaction, std::int64_t program_id);

// Entries of the program whose postings do not sum to zero (always zero unless tampered with).
std::int64_t count_unbalanced_entries(Transaction& transaction, std::int64_t program_id);

}  // namespace disburse::pg
