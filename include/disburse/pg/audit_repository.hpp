#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "disburse/domain/audit.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct AuditEvent {
  std::string actor;
  std::string action;
  std::string subject_type;
  std::string subject_id;
  std::int64_t program_id = 0;
  std::string details = "{}";
};

// Appends one record to the chain in the caller's transaction, so that the record commits or
// rolls back with the change it describes. Appends are serialised by a lock on the chain head.
void append_audit(Transaction& transaction, const AuditEvent& event);

struct AuditVerification {
  bool ok = true;
  std::int64_t records = 0;
  std::int64_t first_broken_id = 0;  // 0 when ok.
  std::string problem;               // Empty when ok.
};

// Recomputes every hash in order, streaming; detects edited, deleted and reordered records.
AuditVerification verify_audit_chain(Database& database);

struct AuditFilter {
  std::string action_prefix;
  std::string subject_type;
  std::string subject_id;
  std::int64_t program_id = 0;
  std::int64_t before_id = 0;  // For paging backwards; 0 = newest.
  int limit = 100;
};

std::vector<domain::AuditRecord> list_audit(Transaction& transaction, const AuditFilter& filter);

}  // namespace disburse::pg
