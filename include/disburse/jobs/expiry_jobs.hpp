#pragma once
// The periodic expiry job (app::expire_all_programs with the real clock). A Boost.Asio timer in
// `disburse serve` queues a run every interval unless one is already queued; the run itself is
// a durable job in the jobs table (claimed with SKIP LOCKED, retried on failure), so that many
// servers run each due expiry once and a crash mid-run loses nothing.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>

#include "disburse/jobs/job_runner.hpp"

namespace disburse::jobs {

void add_expiry_jobs(JobRunner& runner, pg::Database& database);

// Queues one run unless one is queued already (what each timer tick does).
void schedule_expiry_job(pg::Database& database);

// The timer: the first tick comes one interval after start(), so a fresh server's jobs table
// stays empty until expiry is due.
class ExpiryScheduler {
 public:
  ExpiryScheduler(pg::Database& database, int interval_seconds);
  ~ExpiryScheduler();
  ExpiryScheduler(const ExpiryScheduler&) = delete;
  ExpiryScheduler& operator=(const ExpiryScheduler&) = delete;
  void start();
  void stop();

 private:
  void arm();

  pg::Database& database_;
  int interval_seconds_;
  boost::asio::io_context context_;
  boost::asio::steady_timer timer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

}  // namespace disburse::jobs
