#pragma once
// A later allocation round (issue 6, DESIGN.md "Second distribution"): who redeemed in the
// previous round, and releasing the money that came back to the pool for good.

#include <cstdint>
#include <string>
#include <vector>

#include "disburse/domain/allocation.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

// The claimants with a paid payment in `round`, with their weight in that round's approved run,
// in claimant id order.
std::vector<domain::AllocationClaimant> redeemer_weights(Transaction& transaction,
                                                         std::int64_t program_id, int round);

// Moves every payment of the program's rounds before `round` in `from` to `to`, one event each;
// returns how many moved.
std::int64_t release_earlier_rounds(Transaction& transaction, std::int64_t program_id, int round,
                                    domain::PaymentState from, domain::PaymentState to,
                                    const std::string& actor, const std::string& reason);

}  // namespace disburse::pg
