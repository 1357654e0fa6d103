#include "disburse/jobs/expiry_jobs.hpp"

#include <nlohmann/json.hpp>

#include "disburse/app/expiry.hpp"
#include "disburse/pg/expiry_repository.hpp"

namespace disburse::jobs {

void add_expiry_jobs(JobRunner& runner, pg::Database& database) {
  runner.add_handler(app::expiry_job_kind, [&database](JobContext&) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    nlohmann::json programs = nlohmann::json::array();
    for (const app::ExpiryReport& report :
         app::expire_all_programs(database, app::Actor::system("expiry"), now)) {
      programs.push_back(app::expiry_json(report));
    }
    // The next run is queued only after this one's work committed; a failed run is retried by
    // the runner instead.
    database.write([](pg::Transaction& transaction) {
      pg::ensure_periodic_job(transaction, app::expiry_job_kind, app::expiry_job_interval_seconds);
    });
    return nlohmann::json{{"programs", programs}}.dump();
  });
}

void schedule_expiry_job(pg::Database& database) {
  database.write([](pg::Transaction& transaction) {
    pg::ensure_periodic_job(transaction, app::expiry_job_kind, 0);
  });
}

}  // namespace disburse::jobs
