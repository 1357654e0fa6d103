#include "disburse/app/audit.hpp"

namespace disburse::app {

std::vector<domain::AuditRecord> list_audit(pg::Database& database, const Actor& actor,
                                            const pg::AuditFilter& filter) {
  require(actor, domain::Permission::read_audit);
  return database.read(
      [&](pg::Transaction& transaction) { return pg::list_audit(transaction, filter); });
}

pg::AuditVerification verify_audit(pg::Database& database, const Actor& actor) {
  require(actor, domain::Permission::read_audit);
  return pg::verify_audit_chain(database);
}

}  // namespace disburse::app
