#pragma once
// Failure counters shared by every server process (the portal_rate_limits table): the portal's
// lookups and the console's sign-ins count failures per bucket in fixed windows.

#include <optional>
#include <string>
#include <vector>

#include "disburse/pg/database.hpp"
#include "disburse/pg/portal_repository.hpp"

namespace disburse::pg {

// Seconds until the most blocked bucket's window ends, or nothing when none is over its limit.
std::optional<int> throttle_retry_after(Transaction& transaction,
                                        const std::vector<std::string>& buckets,
                                        const RateLimitSettings& limits);

}  // namespace disburse::pg
