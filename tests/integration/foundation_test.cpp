#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "disburse/jobs/job_runner.hpp"
#include "disburse/pg/jobs_repository.hpp"
#include "disburse/pg/migrations.hpp"
#include "support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

TEST_CASE("migrate applies every migration once and a second run is a no-op") {
  TestDatabase database;  // Already migrated by the fixture.
  const CommandResult again = run_disburse(database, {"migrate"});
  REQUIRE(again.exit_code == 0);
  const json output = json::parse(again.out);
  CHECK(output["applied"].empty());
  CHECK(output["current_version"] == pg::known_migrations().size());
  CHECK(database.scalar("SELECT count(*) FROM schema_migrations") ==
        std::to_string(pg::known_migrations().size()));
}

TEST_CASE("migrate refuses a database whose applied migration was changed") {
  TestDatabase database;
  database.execute("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1");
  const CommandResult result = run_disburse(database, {"migrate"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("migration 1 (init) was changed after it was applied") != std::string::npos);
}

TEST_CASE("migrate refuses a database that is newer than the binary") {
  TestDatabase database;
  database.execute("INSERT INTO schema_migrations (version, name, sha256) VALUES (999, 'future', 'x')");
  const CommandResult result = run_disburse(database, {"migrate"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("migration 999, which this binary does not know") != std::string::npos);
}

TEST_CASE("two migrate processes started at once apply each migration exactly once") {
  const std::string name = "test_concurrent_" + std::to_string(getpid());
  pqxx::connection admin(cluster_connection_string() + " dbname=disburse");
  pqxx::nontransaction(admin).exec0("DROP DATABASE IF EXISTS " + name);
  pqxx::nontransaction(admin).exec0("CREATE DATABASE " + name);
  const std::string url = cluster_connection_string() + " dbname=" + name;
  std::vector<pg::MigrateResult> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) threads.emplace_back([&] { result = pg::migrate(url); });
  for (auto& thread : threads) thread.join();
  std::size_t applied = 0;
  for (const auto& result : results) applied += result.applied.size();
  CHECK(applied == pg::known_migrations().size());
  pqxx::nontransaction(admin).exec0("DROP DATABASE " + name + " WITH (FORCE)");
}

TEST_CASE("each job is run exactly once by two runners competing for the queue") {
  TestDatabase database;
  constexpr int job_count = 60;
  database.database().write([&](pg::Transaction& transaction) {
    for (int index = 0; index < job_count; index++) {
      pg::enqueue_job(transaction, "count", "{\"n\":" + std::to_string(index) + "}");
    }
  });
  std::mutex mutex;
  std::map<std::int64_t, int> runs;
  auto handler = [&](jobs::JobContext& context) {
    std::lock_guard lock(mutex);
    runs[context.job().id]++;
    return std::string("{}");
  };
  app::JobSettings settings{1, 10, 30};
  jobs::JobRunner first(database.database(), settings, "runner-a");
  jobs::JobRunner second(database.database(), settings, "runner-b");
  first.add_handler("count", handler);
  second.add_handler("count", handler);
  std::thread a([&] { while (first.run_one()) {} });
  std::thread b([&] { while (second.run_one()) {} });
  a.join();
  b.join();
  CHECK(runs.size() == job_count);
  for (const auto& [id, count] : runs) CHECK(count == 1);
  CHECK(database.scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'") ==
        std::to_string(job_count));
}

TEST_CASE("a job whose runner died is claimed again after its lease expires") {
  TestDatabase database;
  database.database().write(
      [](pg::Transaction& transaction) { pg::enqueue_job(transaction, "work", "{}"); });
  const auto claimed = pg::claim_job(database.database(), "dead-runner", 1, {"work"});
  REQUIRE(claimed.has_value());
  CHECK_FALSE(pg::claim_job(database.database(), "live-runner", 1, {"work"}).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto reclaimed = pg::claim_job(database.database(), "live-runner", 30, {"work"});
  REQUIRE(reclaimed.has_value());
  CHECK(reclaimed->id == claimed->id);
  CHECK(reclaimed->attempts == 2);
  // The dead runner's late report must not overwrite the live runner's work.
  CHECK_FALSE(pg::finish_job(database.database(), claimed->id, "dead-runner", "{}"));
  CHECK(pg::finish_job(database.database(), reclaimed->id, "live-runner", "{\"ok\":true}"));
}

TEST_CASE("a failing job is retried and then marked failed when its attempts are used up") {
  TestDatabase database;
  database.database().write([](pg::Transaction& transaction) {
    pg::enqueue_job(transaction, "broken", "{}", 0, 2);
  });
  jobs::JobRunner runner(database.database(), {1, 10, 30}, "runner");
  runner.add_handler("broken", [](jobs::JobContext&) -> std::string {
    throw std::runtime_error("always fails");
  });
  CHECK(runner.run_one());
  CHECK(database.scalar("SELECT state FROM jobs") == "queued");
  database.execute("UPDATE jobs SET run_at = now()");
  CHECK(runner.run_one());
  CHECK(database.scalar("SELECT state || ' ' || attempts || ' ' || last_error FROM jobs") ==
        "failed 2 always fails");
}

TEST_CASE("program amounts are parsed exactly and bad ones refused on the command line") {
  TestDatabase database;
  const CommandResult created = run_disburse(
      database, {"program", "create", "--name", "FTC v. Ring", "--fund", "5800000.00", "--reserve",
                 "200000.00", "--min-payment", "10.00"});
  REQUIRE(created.exit_code == 0);
  const json program = json::parse(created.out);
  CHECK(program["fund_cents"] == 580000000);
  CHECK(program["distributable_cents"] == 560000000);
  CHECK(program["status"] == "setup");
  for (const char* bad : {"1.001", "-5", "99999999999999999999", "abc", "1e6", ""}) {
    CAPTURE(bad);
    const CommandResult refused =
        run_disburse(database, {"program", "create", "--name", "Bad", "--fund", bad});
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.empty());
    CHECK(refused.err.find("fund") != std::string::npos);
  }
  CHECK(database.scalar("SELECT count(*) FROM programs") == "1");
  const CommandResult shown = run_disburse(database, {"program", "show", "1"});
  CHECK(json::parse(shown.out)["name"] == "FTC v. Ring");
  CHECK(run_disburse(database, {"program", "show", "2"}).exit_code == 3);
}

TEST_CASE("users authenticate with their password and act within their role") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  add_user(database, "fran", "finance");
  CHECK(database.scalar("SELECT password_hash LIKE '$argon2id$%' FROM users WHERE username = 'alice'") == "t");
  const CommandResult wrong =
      run_disburse(database, {"program", "create", "--name", "X", "--fund", "1.00", "--as", "alice"},
                   "not the password\n");
  CHECK(wrong.exit_code == 5);
  CHECK(wrong.err.find("wrong user name or password") != std::string::npos);
  const CommandResult finance =
      run_disburse(database, {"program", "create", "--name", "X", "--fund", "1.00", "--as", "fran"},
                   password_of("fran") + "\n");
  CHECK(finance.exit_code == 5);
  CHECK(finance.err.find("may not manage_program") != std::string::npos);
  const CommandResult admin = run_disburse(
      database, {"program", "create", "--name", "X", "--fund", "1.00", "--as", "alice"}, "",
      {{"DISBURSE_PASSWORD", password_of("alice")}});
  CHECK(admin.exit_code == 0);
  CHECK(run_disburse(database, {"user", "add", "bob", "--role", "root"}, "long enough password\n").exit_code == 2);
  CHECK(run_disburse(database, {"user", "add", "bob", "--role", "auditor"}, "short\n").exit_code == 2);
  CHECK(run_disburse(database, {"user", "add", "alice", "--role", "auditor"}, "long enough password\n").exit_code == 4);
}

TEST_CASE("the audit log is append-only and verification detects an edited record") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  run_disburse(database, {"program", "create", "--name", "A", "--fund", "10.00"});
  run_disburse(database, {"program", "create", "--name", "B", "--fund", "10.00"});
  const CommandResult verified = run_disburse(database, {"audit", "verify"});
  CHECK(verified.exit_code == 0);
  CHECK(json::parse(verified.out)["records"] == 3);
  CHECK_THROWS(database.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"));
  CHECK_THROWS(database.execute("DELETE FROM audit_log WHERE id = 3"));
  // Someone who disables the guard still cannot hide the edit.
  database.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; "
                   "UPDATE audit_log SET actor = 'mallory' WHERE id = 2; "
                   "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update");
  const CommandResult broken = run_disburse(database, {"audit", "verify"});
  CHECK(broken.exit_code == 1);
  CHECK(json::parse(broken.out)["ok"] == false);
  CHECK(broken.err.find("record 2 was altered") != std::string::npos);
}

TEST_CASE("a deleted newest audit record is detected") {
  TestDatabase database;
  run_disburse(database, {"program", "create", "--name", "A", "--fund", "10.00"});
  run_disburse(database, {"program", "create", "--name", "B", "--fund", "10.00"});
  database.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; "
                   "DELETE FROM audit_log WHERE id = 2; "
                   "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update");
  const CommandResult broken = run_disburse(database, {"audit", "verify"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find("deleted") != std::string::npos);
}
