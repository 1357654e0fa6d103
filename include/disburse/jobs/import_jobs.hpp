#pragma once
// The durable job that runs an uploaded list's import (app::run_import_job).

#include "disburse/jobs/job_runner.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::jobs {

void add_import_jobs(JobRunner& runner, pg::Database& database, const security::SecretBox& secrets);

}  // namespace disburse::jobs
