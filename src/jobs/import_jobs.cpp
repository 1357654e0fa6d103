#include "disburse/jobs/import_jobs.hpp"

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "disburse/app/imports.hpp"

namespace disburse::jobs {

namespace {

// Extends the job's lease from its own thread while the import runs: the set-based part of a
// million-row import is one long statement after another, with no place to call back from.
// It renews three times per lease, so that one late or failed renewal does not let the lease
// lapse and another runner start the same import.
class LeaseKeeper {
 public:
  explicit LeaseKeeper(JobContext& context)
      : context_(context),
        interval_(std::chrono::milliseconds(context.lease_seconds() * 1000 / 3)),
        thread_([this] { run(); }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      try {
        context_.heartbeat();
      } catch (const std::exception& error) {
        // Another runner took the job over; it will find the import done or do it itself.
        std::cerr << "job_id=" << context_.job().id << " heartbeat_failed=\"" << error.what()
                  << "\"\n";
      }
    }
  }

  JobContext& context_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

std::int64_t import_id_of(const pg::Job& job) {
  return nlohmann::json::parse(job.payload).at("import_id").get<std::int64_t>();
}

}  // namespace

void add_import_jobs(JobRunner& runner, pg::Database& database,
                     const security::SecretBox& secrets) {
  const auto run = [&database, &secrets](JobContext& context) {
    const std::int64_t import_id = import_id_of(context.job());
    app::ImportJobHooks hooks;
    hooks.last_attempt = context.job().attempts >= context.job().max_attempts;
    const LeaseKeeper lease(context);
    const domain::ImportSummary summary = app::run_import_job(database, secrets, import_id, hooks);
    return nlohmann::json{{"import_id", import_id}, {"state", summary.state}}.dump();
  };
  const auto abandoned = [](pg::Transaction& transaction, const pg::Job& job) {
    app::fail_interrupted_import(transaction, import_id_of(job));
  };
  runner.add_handler(app::import_job_kind, run, abandoned);
}

}  // namespace disburse::jobs
