#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "disburse/domain/money.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct StateTotal {
  std::string state;
  std::int64_t count = 0;
  domain::Money amount;
};

// Claims of the program by claim state, in the lifecycle's order.
std::vector<StateTotal> claim_counts_by_state(Transaction& transaction, std::int64_t program_id);

// Payments of the program by state, with their amounts, in the lifecycle's order.
std::vector<StateTotal> payment_totals_by_state(Transaction& transaction, std::int64_t program_id);

}  // namespace disburse::pg
