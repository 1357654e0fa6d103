#include "disburse/pg/periodic_jobs_repository.hpp"

#include <pqxx/pqxx>

namespace disburse::pg {

bool enqueue_unless_queued(Transaction& transaction, const std::string& kind, int delay_seconds) {
  transaction.sql().exec_params("SELECT pg_advisory_xact_lock(hashtext('periodic job ' || $1))",
                                kind);
  return transaction.sql()
             .exec_params("INSERT INTO jobs (kind, payload, run_at) SELECT $1, '{}'::jsonb, "
                          "now() + $2 * interval '1 second' WHERE NOT EXISTS (SELECT 1 FROM jobs "
                          "WHERE kind = $1 AND state = 'queued')",
                          kind, delay_seconds)
             .affected_rows() == 1;
}

}  // namespace disburse::pg
