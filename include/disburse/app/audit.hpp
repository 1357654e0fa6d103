#pragma once

#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

// The audit log, newest first, filtered; for auditors and administrators.
std::vector<domain::AuditRecord> list_audit(pg::Database& database, const Actor& actor,
                                            const pg::AuditFilter& filter);

// Recomputes the whole chain.
pg::AuditVerification verify_audit(pg::Database& database, const Actor& actor);

}  // namespace disburse::app
