#include "disburse/jobs/expiry_jobs.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "disburse/app/expiry.hpp"
#include "disburse/pg/periodic_jobs_repository.hpp"

namespace disburse::jobs {

void add_expiry_jobs(JobRunner& runner, pg::Database& database) {
  runner.add_handler(app::expiry_job_kind, [&database](JobContext&) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    nlohmann::json programs = nlohmann::json::array();
    for (const app::ExpiryReport& report :
         app::expire_all_programs(database, app::Actor::system("expiry"), now)) {
      programs.push_back(app::expiry_json(report));
    }
    return nlohmann::json{{"programs", programs}}.dump();
  });
}

void schedule_expiry_job(pg::Database& database) {
  database.write([](pg::Transaction& transaction) {
    pg::enqueue_unless_queued(transaction, app::expiry_job_kind, 0);
  });
}

ExpiryScheduler::ExpiryScheduler(pg::Database& database, int interval_seconds)
    : database_(database), interval_seconds_(interval_seconds), timer_(context_) {}

ExpiryScheduler::~ExpiryScheduler() {
  stop();
}

void ExpiryScheduler::start() {
  arm();
  thread_ = std::thread([this] { context_.run(); });
}

void ExpiryScheduler::stop() {
  if (stopping_.exchange(true)) return;
  context_.stop();
  if (thread_.joinable()) thread_.join();
}

void ExpiryScheduler::arm() {
  timer_.expires_after(std::chrono::seconds(interval_seconds_));
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_) return;
    try {
      schedule_expiry_job(database_);
    } catch (const std::exception& failure) {
      // The next tick tries again; the database being away for a while is no reason to stop.
      std::cerr << "job=" << app::expiry_job_kind << " schedule_failed=\"" << failure.what()
                << "\"\n";
    }
    arm();
  });
}

}  // namespace disburse::jobs
