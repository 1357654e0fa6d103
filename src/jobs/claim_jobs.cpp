#include "disburse/jobs/claim_jobs.hpp"

#include <nlohmann/json.hpp>

#include "disburse/app/claims.hpp"
#include "disburse/app/imports.hpp"
#include "disburse/pg/periodic_jobs_repository.hpp"

namespace disburse::jobs {

namespace {

// Claims are denied in bounded transactions, so that a backlog never holds thousands of row
// locks at once.
constexpr int cure_deadline_claims_per_transaction = 500;

void queue_next(pg::Database& database, const std::string& kind, int delay_seconds) {
  database.write([&](pg::Transaction& transaction) {
    pg::enqueue_unless_queued(transaction, kind, delay_seconds);
  });
}

std::string deny_past_cure_deadline(pg::Database& database) {
  const std::int64_t now = app::current_epoch_seconds();
  int denied_total = 0;
  for (;;) {
    const int denied = app::deny_claims_past_cure_deadline(database, now,
                                                           cure_deadline_claims_per_transaction);
    denied_total += denied;
    if (denied < cure_deadline_claims_per_transaction) break;
  }
  queue_next(database, cure_deadline_job_kind, cure_deadline_interval_seconds);
  return nlohmann::json{{"denied", denied_total}}.dump();
}

std::string sweep_rate_limits(pg::Database& database, const pg::RateLimitSettings& limits) {
  const std::int64_t deleted = database.write([&](pg::Transaction& transaction) {
    return pg::delete_expired_rate_limits(transaction, limits);
  });
  queue_next(database, rate_limit_sweep_job_kind, rate_limit_sweep_interval_seconds);
  return nlohmann::json{{"deleted", deleted}}.dump();
}

std::string sweep_idle_uploads(pg::Database& database) {
  const std::int64_t failed = app::fail_idle_uploads(database);
  queue_next(database, idle_upload_sweep_job_kind, idle_upload_sweep_interval_seconds);
  return nlohmann::json{{"failed", failed}}.dump();
}

}  // namespace

void add_claim_jobs(JobRunner& runner, pg::Database& database,
                    const pg::RateLimitSettings& rate_limits) {
  runner.add_handler(cure_deadline_job_kind,
                     [&database](JobContext&) { return deny_past_cure_deadline(database); });
  runner.add_handler(rate_limit_sweep_job_kind, [&database, rate_limits](JobContext&) {
    return sweep_rate_limits(database, rate_limits);
  });
  runner.add_handler(idle_upload_sweep_job_kind,
                     [&database](JobContext&) { return sweep_idle_uploads(database); });
  queue_next(database, cure_deadline_job_kind, 0);
  queue_next(database, rate_limit_sweep_job_kind, 0);
  queue_next(database, idle_upload_sweep_job_kind, 0);
}

}  // namespace disburse::jobs
