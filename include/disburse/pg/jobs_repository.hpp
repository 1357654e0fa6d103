#pragma once
// The durable jobs table. Runners claim with FOR UPDATE SKIP LOCKED, so that any number of
// server processes on one database never run the same job at once, and hold a lease that a
// crashed runner lets expire.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct Job {
  std::int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON text.
  int attempts = 0;     // Including this one.
  int max_attempts = 0;
};

struct JobStatus {
  std::int64_t id = 0;
  std::string kind;
  std::string state;
  int attempts = 0;
  std::string last_error;
  std::string result;  // JSON text, empty until it succeeded.
  std::string payload;
};

std::int64_t enqueue_job(Transaction& transaction, const std::string& kind,
                         const std::string& payload_json, int delay_seconds = 0,
                         int max_attempts = 5);

// Claims the oldest ready job of the given kinds: queued and due, or running with an expired
// lease (its runner died). Returns nothing when none is ready.
std::optional<Job> claim_job(Database& database, const std::string& worker_id, int lease_seconds,
                             const std::vector<std::string>& kinds);

// Each of these acts only while `worker_id` still holds the job, and says whether it did: a
// runner whose lease expired and was taken over must not overwrite the new holder's work.
bool extend_job_lease(Database& database, std::int64_t job_id, const std::string& worker_id,
                      int lease_seconds);
bool finish_job(Database& database, std::int64_t job_id, const std::string& worker_id,
                const std::string& result_json);
// Queues the job again after `retry_delay_seconds`, or marks it failed when its attempts are
// used up.
bool fail_job(Database& database, std::int64_t job_id, const std::string& worker_id,
              const std::string& error, int retry_delay_seconds);
// Marks failed every job of the given kinds whose lease expired after its last allowed attempt
// (its runner died during it), and returns them, each to exactly one caller.
std::vector<Job> fail_abandoned_jobs(Transaction& transaction,
                                     const std::vector<std::string>& kinds);

std::optional<JobStatus> find_job(Transaction& transaction, std::int64_t job_id);
std::map<std::string, std::int64_t> count_jobs_by_state(Transaction& transaction);

}  // namespace disburse::pg
