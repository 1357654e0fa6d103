#include "disburse/jobs/import_jobs.hpp"

#include <nlohmann/json.hpp>

#include "disburse/app/imports.hpp"

namespace disburse::jobs {

void add_import_jobs(JobRunner& runner, pg::Database& database, const security::SecretBox& secrets) {
  runner.add_handler(app::import_job_kind, [&database, &secrets](JobContext& context) {
    const std::int64_t import_id =
        nlohmann::json::parse(context.job().payload).at("import_id").get<std::int64_t>();
    app::ImportJobHooks hooks;
    hooks.heartbeat = [&context] { context.heartbeat(); };
    hooks.last_attempt = context.job().attempts >= context.job().max_attempts;
    const domain::ImportSummary summary =
        app::run_import_job(database, secrets, import_id, hooks);
    return nlohmann::json{{"import_id", import_id}, {"state", summary.state}}.dump();
  });
}

}  // namespace disburse::jobs
