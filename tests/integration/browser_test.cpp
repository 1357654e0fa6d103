#include <doctest/doctest.h>
#include <sys/wait.h>

#include <filesystem>

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
