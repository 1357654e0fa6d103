#pragma once
// The periodic expiry job (app::expire_all_programs with the real clock). Durable: one run is
// always queued in the jobs table; each run queues the next before it finishes, and every
// server start makes sure one is queued, so a crash never stops the schedule.

#include "disburse/jobs/job_runner.hpp"

namespace disburse::jobs {

void add_expiry_jobs(JobRunner& runner, pg::Database& database);

// Queues the first run unless one is queued; call once at server start.
void schedule_expiry_job(pg::Database& database);

}  // namespace disburse::jobs
