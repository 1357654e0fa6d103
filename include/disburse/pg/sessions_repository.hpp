#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "disburse/pg/database.hpp"
#include "disburse/pg/users_repository.hpp"

namespace disburse::pg {

void insert_session(Transaction& transaction, const std::string& id_sha256, std::int64_t user_id,
                    int absolute_timeout_seconds);

// The live session's user, touching last_seen_at. A session is live while it has not ended,
// its absolute expiry has not passed, and it was seen within `idle_timeout_seconds`; a session
// found expired is ended here so that it can never come back.
std::optional<UserRecord> resume_session(Transaction& transaction, const std::string& id_sha256,
                                         int idle_timeout_seconds);

void end_session(Transaction& transaction, const std::string& id_sha256);

}  // namespace disburse::pg
