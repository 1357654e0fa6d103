#include "disburse/pg/jobs_repository.hpp"

#include <pqxx/pqxx>

#include "array_literal.hpp"

namespace disburse::pg {

std::int64_t enqueue_job(Transaction& transaction, const std::string& kind,
                         const std::string& payload_json, int delay_seconds, int max_attempts) {
  return transaction.sql()
      .exec_params1("INSERT INTO jobs (kind, payload, run_at, max_attempts) VALUES ($1, $2::jsonb, "
                    "now() + $3 * interval '1 second', $4) RETURNING id",
                    kind, payload_json, delay_seconds, max_attempts)[0]
      .as<std::int64_t>();
}

std::optional<Job> claim_job(Database& database, const std::string& worker_id, int lease_seconds,
                             const std::vector<std::string>& kinds) {
  return database.write([&](Transaction& transaction) -> std::optional<Job> {
    const pqxx::result rows = transaction.sql().exec_params(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, "
        "lease_expires_at = now() + $2 * interval '1 second' "
        "WHERE id = (SELECT id FROM jobs WHERE kind = ANY($3::text[]) AND "
        "((state = 'queued' AND run_at <= now()) OR "
        "(state = 'running' AND lease_expires_at < now() AND attempts < max_attempts)) "
        "ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING id, kind, payload::text, attempts, max_attempts",
        worker_id, lease_seconds, plain_text_array(kinds));
    if (rows.empty()) return std::nullopt;
    const pqxx::row row = rows[0];
    return Job{row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
               row[3].as<int>(), row[4].as<int>()};
  });
}

bool extend_job_lease(Database& database, std::int64_t job_id, const std::string& worker_id,
                      int lease_seconds) {
  return database.write([&](Transaction& transaction) {
    return !transaction.sql()
                .exec_params("UPDATE jobs SET lease_expires_at = now() + $3 * interval '1 second' "
                             "WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING id",
                             job_id, worker_id, lease_seconds)
                .empty();
  });
}

bool finish_job(Database& database, std::int64_t job_id, const std::string& worker_id,
                const std::string& result_json) {
  return database.write([&](Transaction& transaction) {
    return !transaction.sql()
                .exec_params("UPDATE jobs SET state = 'succeeded', result = $3::jsonb, "
                             "finished_at = now(), lease_expires_at = NULL, last_error = NULL "
                             "WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING id",
                             job_id, worker_id, result_json)
                .empty();
  });
}

bool fail_job(Database& database, std::int64_t job_id, const std::string& worker_id,
              const std::string& error, int retry_delay_seconds) {
  return database.write([&](Transaction& transaction) {
    return !transaction.sql()
                .exec_params(
                    "UPDATE jobs SET last_error = $3, lease_expires_at = NULL, "
                    "state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
                    "finished_at = CASE WHEN attempts >= max_attempts THEN now() END, "
                    "run_at = now() + $4 * interval '1 second' "
                    "WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING id",
                    job_id, worker_id, error.substr(0, 1000), retry_delay_seconds)
                .empty();
  });
}

std::vector<Job> fail_abandoned_jobs(Transaction& transaction,
                                     const std::vector<std::string>& kinds) {
  std::vector<Job> jobs;
  for (const auto& row : transaction.sql().exec_params(
           "UPDATE jobs SET state = 'failed', finished_at = now(), "
           "last_error = coalesce(last_error, 'the runner stopped during the last attempt') "
           "WHERE state = 'running' AND lease_expires_at < now() AND attempts >= max_attempts "
           "AND kind = ANY($1::text[]) RETURNING id, kind, payload::text, attempts, max_attempts",
           plain_text_array(kinds))) {
    jobs.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                    row[3].as<int>(), row[4].as<int>()});
  }
  return jobs;
}

std::optional<JobStatus> find_job(Transaction& transaction, std::int64_t job_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT id, kind, state, attempts, coalesce(last_error, ''), coalesce(result::text, ''), "
      "payload::text FROM jobs WHERE id = $1",
      job_id);
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows[0];
  return JobStatus{row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<int>(),          row[4].as<std::string>(), row[5].as<std::string>(),
                   row[6].as<std::string>()};
}

std::map<std::string, std::int64_t> count_jobs_by_state(Transaction& transaction) {
  std::map<std::string, std::int64_t> counts = {
      {"queued", 0}, {"running", 0}, {"succeeded", 0}, {"failed", 0}};
  for (const auto& row : transaction.sql().exec("SELECT state, count(*) FROM jobs GROUP BY state")) {
    counts[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  return counts;
}

}  // namespace disburse::pg
