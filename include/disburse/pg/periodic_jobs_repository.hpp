#pragma once

#include <string>

#include "disburse/pg/database.hpp"

namespace disburse::pg {

// Queues one run of a periodic job unless one is already queued. Serialised per kind by an
// advisory lock, so that several servers starting at once queue it once.
bool enqueue_unless_queued(Transaction& transaction, const std::string& kind, int delay_seconds);

}  // namespace disburse::pg
