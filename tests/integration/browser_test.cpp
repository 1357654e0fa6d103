#include <doctest/doctest.h>
#include <sys/wait.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "claimant_fixture.hpp"
#include "portal_fixture.hpp"

using namespace disburse;
using namespace disburse::testing;

TEST_CASE("in a browser, a customer looks up their claim, switches to a check and sees it") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  seed_payment(database, claimant, {.state = "expired"});
  ServerProcess server(database);
  // Screenshots go beside the binary: build/screenshots.
  const std::filesystem::path outdir =
      std::filesystem::path(DISBURSE_BINARY).parent_path() / "screenshots";
  const std::string command = "node " + std::string(DISBURSE_SOURCE_DIR) + "/tests/e2e/portal.mjs " +
                              std::to_string(server.port()) + " " + claimant.claim_number + " " +
                              claimant.zip5 + " " + outdir.string() + " " + claimant.last_name;
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(std::filesystem::exists(outdir / "portal-check-requested-en.png"));
  CHECK(database.scalar("SELECT kind FROM portal_change_requests WHERE claimant_id = " +
                        std::to_string(claimant.id)) == "switch_to_check");
}

TEST_CASE("in a browser, finance staff allocate, pay and reconcile with a second person approving each step") {
  TestDatabase database;
  const CommandResult program = run_disburse(database, {"program", "create", "--name", "FTC v. Ring", "--fund", "1000.00"});
  REQUIRE(program.exit_code == 0);
  const std::string program_id = std::to_string(nlohmann::json::parse(program.out).at("id").get<std::int64_t>());
  insert_claimants(database, std::stoll(program_id), 12, 3);
  // Everyone is paid by PayPal, which needs an email.
  database.execute("UPDATE claimants SET payment_method = 'paypal', email = 'customer' || id || '@example.com'");
  const CommandResult setup = run_disburse(database, {"program", "create", "--name", "Second fund", "--fund", "500.00"});
  REQUIRE(setup.exit_code == 0);
  const std::string setup_program_id = std::to_string(nlohmann::json::parse(setup.out).at("id").get<std::int64_t>());
  add_user(database, "fran", "finance");
  add_user(database, "frank", "finance");
  add_user(database, "alice", "admin");
  ServerProcess server(database);
  const std::filesystem::path outdir = std::filesystem::path(DISBURSE_BINARY).parent_path() / "screenshots";
  const std::string command = "node '" + std::string(DISBURSE_SOURCE_DIR) + "/tests/e2e/console_finance.mjs' http://127.0.0.1:" +
                              std::to_string(server.port()) + " fran '" + password_of("fran") + "' frank '" +
                              password_of("frank") + "' alice '" + password_of("alice") + "' " + setup_program_id +
                              " '" + outdir.string() + "'";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(std::filesystem::exists(outdir / "finance-reconciliation-replay.png"));
  CHECK(database.scalar("SELECT created_by || ' ' || approved_by FROM allocation_runs") == "fran frank");
  CHECK(database.scalar("SELECT created_by || ' ' || approved_by || ' ' || state FROM batches") == "fran frank reconciled");
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE state = 'paid'") == "12");
  CHECK(database.scalar("SELECT count(*) FROM reconciliations") == "2");
  CHECK(run_disburse(database, {"check", "--program", program_id}).exit_code == 0);
  CHECK(database.scalar("SELECT weighting_rule FROM programs WHERE id = " + setup_program_id) ==
        "months_cap=24\nIndoor Cam=4\nVideo Doorbell=1\n");
}

TEST_CASE("in a browser, an administrator uploads a list, watches it import and finds a claimant") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::int64_t program = seed_program(database);
  ServerProcess server(database);
  // Enough rows that the import takes a few moments and the bar moves on its way.
  constexpr int rows = 12000;
  const std::filesystem::path outdir =
      std::filesystem::path(DISBURSE_BINARY).parent_path() / "screenshots";
  const std::string command = "node '" + std::string(DISBURSE_SOURCE_DIR) +
                              "/tests/e2e/console_imports.mjs' http://127.0.0.1:" +
                              std::to_string(server.port()) + " alice '" + password_of("alice") +
                              "' '" + outdir.string() + "' " + std::to_string(rows);
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(std::filesystem::exists(outdir / "console-import-results.png"));
  CHECK(std::filesystem::exists(outdir / "console-claims-search.png"));
  CHECK(database.scalar("SELECT count(*) || ' ' || sum(rows_total) FROM imports WHERE state = 'completed' "
                        "AND program_id = " + std::to_string(program)) ==
        "2 " + std::to_string(2 * rows));
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'claimant.search' AND actor = 'alice'") == "1");
}
