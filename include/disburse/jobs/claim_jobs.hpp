#pragma once
// Periodic housekeeping jobs: denying deficient claims whose cure deadline passed, deleting
// ended rate-limit windows, and failing uploads left `receiving` by a server that stopped
// mid-transfer. Each run queues the next one.

#include "disburse/jobs/job_runner.hpp"
#include "disburse/pg/portal_repository.hpp"

namespace disburse::jobs {

inline constexpr const char* cure_deadline_job_kind = "claims.cure_deadline";
inline constexpr const char* rate_limit_sweep_job_kind = "portal.rate_limit_sweep";
inline constexpr int cure_deadline_interval_seconds = 3600;
inline constexpr int rate_limit_sweep_interval_seconds = 900;
inline constexpr const char* idle_upload_sweep_job_kind = "imports.idle_upload_sweep";
inline constexpr int idle_upload_sweep_interval_seconds = 900;

// Registers the handlers and queues the first runs (immediately) unless they are queued.
void add_claim_jobs(JobRunner& runner, pg::Database& database,
                    const pg::RateLimitSettings& rate_limits);

}  // namespace disburse::jobs
