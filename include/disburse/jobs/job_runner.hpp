#pragma once
// Runs durable jobs from the jobs table on a Boost.Asio thread pool. Each worker polls on a
// timer, claims one ready job at a time, runs its handler and records the outcome. Several
// processes may run runners against one database: claiming uses FOR UPDATE SKIP LOCKED.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "disburse/app/config.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/pg/jobs_repository.hpp"

namespace disburse::jobs {

// What a running handler may ask of its runner.
class JobContext {
 public:
  JobContext(pg::Database& database, const pg::Job& job, std::string worker_id, int lease_seconds)
      : database_(database), job_(job), worker_id_(std::move(worker_id)), lease_seconds_(lease_seconds) {}
  const pg::Job& job() const { return job_; }
  int lease_seconds() const { return lease_seconds_; }
  // Extends the lease during long work; throws when another runner took the job over.
  void heartbeat();

 private:
  pg::Database& database_;
  const pg::Job& job_;
  std::string worker_id_;
  int lease_seconds_;
};

// Returns the job's result as JSON text; throws to fail the attempt (it is retried with backoff
// until its attempts are used up).
using JobHandler = std::function<std::string(JobContext&)>;
// Runs in the transaction that fails a job for good because its runner died during the last
// attempt, so that what the job stands for (an import, say) does not stay in progress forever.
using AbandonedJobHandler = std::function<void(pg::Transaction&, const pg::Job&)>;

class JobRunner {
 public:
  JobRunner(pg::Database& database, app::JobSettings settings, std::string worker_id);
  ~JobRunner();

  void add_handler(const std::string& kind, JobHandler handler,
                   AbandonedJobHandler on_abandoned = {});

  // Claims and runs one ready job; false when none was ready. Tests drive the runner with this.
  bool run_one();

  // Starts `settings.workers` polling workers on their own thread pool.
  void start();
  // Stops polling and waits for running handlers to finish.
  void stop();

 private:
  void schedule_poll(std::size_t worker_index);
  void fail_abandoned_jobs();

  pg::Database& database_;
  app::JobSettings settings_;
  std::string worker_id_;
  std::map<std::string, JobHandler> handlers_;
  std::map<std::string, AbandonedJobHandler> abandoned_handlers_;
  std::vector<std::string> kinds_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace disburse::jobs
