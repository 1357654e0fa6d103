#pragma once
// The audit record and the canonical text its chain hash covers. Pure: the adapter hashes.

#include <cstdint>
#include <string>
#include <string_view>

namespace disburse::domain {

struct AuditRecord {
  std::int64_t id = 0;
  std::int64_t occurred_at_us = 0;  // Microseconds since the Unix epoch, UTC.
  std::string actor;                // "alice" or "system:expiry-job" or "portal".
  std::string action;               // "program.create", "claim.reveal", …
  std::string subject_type;         // "program", "claimant", "batch", …
  std::string subject_id;           // A pseudonymous id, never a name or an email.
  std::int64_t program_id = 0;      // 0 when the record concerns no program.
  std::string details;              // JSON text without personal data.
};

// Length-prefixed fields, so that no choice of field contents can make two different records
// produce the same text. The previous record's hash is part of it: that is the chain.
std::string audit_canonical_text(const AuditRecord& record, std::string_view previous_hash);

}  // namespace disburse::domain
