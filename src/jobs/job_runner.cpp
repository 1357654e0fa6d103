#include "disburse/jobs/job_runner.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <iostream>

#include "disburse/domain/errors.hpp"

namespace disburse::jobs {

namespace {

// Exponential backoff between attempts, capped at ten minutes.
int retry_delay_seconds(int attempts) { return std::min(600, 5 << std::min(attempts, 7)); }

}  // namespace

void JobContext::heartbeat() {
  if (!pg::extend_job_lease(database_, job_.id, worker_id_, lease_seconds_)) {
    throw Conflict("job " + std::to_string(job_.id) + " was taken over by another runner");
  }
}

JobRunner::JobRunner(pg::Database& database, app::JobSettings settings, std::string worker_id)
    : database_(database), settings_(settings), worker_id_(std::move(worker_id)) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::add_handler(const std::string& kind, JobHandler handler,
                            AbandonedJobHandler on_abandoned) {
  handlers_[kind] = std::move(handler);
  if (on_abandoned) abandoned_handlers_[kind] = std::move(on_abandoned);
  kinds_.push_back(kind);
}

void JobRunner::fail_abandoned_jobs() {
  const std::vector<pg::Job> abandoned = database_.write([&](pg::Transaction& transaction) {
    std::vector<pg::Job> jobs = pg::fail_abandoned_jobs(transaction, kinds_);
    for (const pg::Job& job : jobs) {
      const auto handler = abandoned_handlers_.find(job.kind);
      if (handler != abandoned_handlers_.end()) handler->second(transaction, job);
    }
    return jobs;
  });
  for (const pg::Job& job : abandoned) {
    std::cerr << "job_id=" << job.id << " kind=" << job.kind << " attempt=" << job.attempts
              << " failed=\"the runner stopped during the last attempt\"\n";
  }
}

bool JobRunner::run_one() {
  if (kinds_.empty()) return false;
  fail_abandoned_jobs();
  const auto job = pg::claim_job(database_, worker_id_, settings_.lease_seconds, kinds_);
  if (!job) return false;
  JobContext context(database_, *job, worker_id_, settings_.lease_seconds);
  std::string result;
  try {
    result = handlers_.at(job->kind)(context);
  } catch (const std::exception& error) {
    std::cerr << "job_id=" << job->id << " kind=" << job->kind << " attempt=" << job->attempts
              << " failed=\"" << error.what() << "\"\n";
    pg::fail_job(database_, job->id, worker_id_, error.what(), retry_delay_seconds(job->attempts));
    return true;
  }
  pg::finish_job(database_, job->id, worker_id_, result);
  return true;
}

void JobRunner::start() {
  if (settings_.workers == 0 || kinds_.empty()) return;
  pool_ = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(settings_.workers));
  for (int index = 0; index < settings_.workers; index++) {
    timers_.push_back(std::make_unique<boost::asio::steady_timer>(pool_->get_executor()));
    schedule_poll(static_cast<std::size_t>(index));
  }
}

void JobRunner::schedule_poll(std::size_t worker_index) {
  auto& timer = *timers_[worker_index];
  timer.expires_after(std::chrono::milliseconds(settings_.poll_interval_ms));
  timer.async_wait([this, worker_index](const boost::system::error_code& error) {
    if (error || stopping_) return;
    try {
      // Drain what is ready before sleeping again, checking for shutdown between jobs.
      while (!stopping_ && run_one()) {
      }
    } catch (const std::exception& failure) {
      // The database may be down; the next poll tries again.
      std::cerr << "job_runner poll_failed=\"" << failure.what() << "\"\n";
    }
    if (!stopping_) schedule_poll(worker_index);
  });
}

void JobRunner::stop() {
  if (stopping_.exchange(true)) return;
  for (auto& timer : timers_) {
    boost::asio::post(timer->get_executor(), [&timer] { timer->cancel(); });
  }
  if (pool_) pool_->join();
}

}  // namespace disburse::jobs
