// migrate, serve and audit verify: the operator's commands.

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "command.hpp"
#include "disburse/app/expiry.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/app/portal.hpp"
#include "disburse/http/server.hpp"
#include "disburse/jobs/import_jobs.hpp"
#include "disburse/jobs/claim_jobs.hpp"
#include "disburse/jobs/expiry_jobs.hpp"
#include "disburse/jobs/job_runner.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/migrations.hpp"

namespace disburse::cli {

namespace {

nlohmann::json migrate(Context& context, Arguments& arguments) {
  arguments.finish();
  if (context.config().database_url.empty()) {
    throw InvalidInput("DATABASE_URL is not set (ops/dev-db url prints the local one)");
  }
  const pg::MigrateResult result = pg::migrate(context.config().database_url);
  return {{"current_version", result.current_version}, {"applied", result.applied}};
}

nlohmann::json audit_verify(Context& context, Arguments& arguments) {
  arguments.finish();
  const pg::AuditVerification verification = pg::verify_audit_chain(context.database());
  nlohmann::json output = {{"ok", verification.ok}, {"records", verification.records}};
  if (!verification.ok) {
    output["first_broken_id"] = verification.first_broken_id;
    output["problem"] = verification.problem;
    std::cerr << "disburse: the audit chain is broken: " << verification.problem << "\n";
  }
  return output;
}

// Creates the secret key file (mode 0600) when it does not exist; never overwrites one, since
// data encrypted under the old key would become unreadable.
nlohmann::json create_secret_key(Context& context, Arguments& arguments) {
  const std::string path = arguments.option("out").value_or(context.config().secret_key_file);
  arguments.finish();
  const bool existed = std::ifstream(path).good();
  security::load_secret_key(path, true);
  return {{"path", path}, {"created", !existed}};
}

std::string worker_id() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// Wires the server and the job runner, then serves until SIGINT or SIGTERM. In-flight requests
// and running jobs finish before the process exits.
nlohmann::json serve(Context& context, Arguments& arguments) {
  arguments.finish();
  const app::Config& config = context.config();
  if (config.database_url.empty()) throw InvalidInput("DATABASE_URL is not set");
  pg::Database database(pg::PoolSettings{config.database_url, config.pool_size,
                                         config.pool_acquire_timeout_ms,
                                         config.statement_timeout_ms, 5});
  const security::SecretBox secrets(security::load_secret_key(config.secret_key_file, false));
  http::HttpServer server(config, database, secrets);
  jobs::JobRunner runner(database, config.jobs, worker_id());
  jobs::add_import_jobs(runner, database, secrets);
  jobs::add_claim_jobs(runner, database, app::load_rate_limit_settings(app::process_environment));
  jobs::add_expiry_jobs(runner, database);
  jobs::ExpiryScheduler expiry(database, app::expiry_job_interval_seconds);
  const int port = server.bind();
  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    std::cerr << "disburse: shutting down\n";
    server.stop();
  });
  std::thread signal_thread([&] { signals_context.run(); });
  runner.start();
  expiry.start();
  std::cerr << "disburse: serving on http://" << config.listen_host << ":" << port << "\n";
  server.serve();
  expiry.stop();
  runner.stop();
  signals_context.stop();
  signal_thread.join();
  return {{"stopped", true}, {"port", port}};
}

}  // namespace

void add_admin_commands(std::vector<Command>& commands) {
  commands.push_back({"migrate", "", migrate});
  commands.push_back({"serve", "(listens on DISBURSE_LISTEN, default 127.0.0.1:8080)", serve});
  commands.push_back({"audit verify", "", audit_verify});
  commands.push_back({"secret-key create", "[--out FILE] (default DISBURSE_SECRET_KEY_FILE)",
                      create_secret_key});
}

}  // namespace disburse::cli
