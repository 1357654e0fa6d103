// An import holds its program's lock for as long as it runs (minutes for a million rows); other
// work on the program that does not need that lock must not wait behind it.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <pqxx/pqxx>

#include "fault_support.hpp"
#include "import_support.hpp"

using namespace disburse::testing;

TEST_CASE("a list can be uploaded to a program while another import into it is running") {
  TestDatabase database;
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  const std::int64_t program = create_program(database, "Ring");
  ServerProcess server(database, {{"DISBURSE_STATEMENT_TIMEOUT_MS", "1000"}});
  wait_for_quiet_job_queue(database);
  // Writes to claimants wait for the test, so the first import stops halfway, program locked.
  pqxx::connection blocker(database.url());
  pqxx::work hold(blocker);
  hold.exec0("LOCK TABLE claimants IN EXCLUSIVE MODE");
  const std::int64_t first =
      upload_list(server.port(), token, program, list_header + list_row("C1") + list_row("C2"));
  REQUIRE(eventually([&] { return server_waits_for_lock(database); }, std::chrono::seconds(10)));
  // The upload only adds an import row (a key-share lock on the program's row): it is accepted.
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const auto started = std::chrono::steady_clock::now();
  const auto second = client.Post(
      ("/api/v1/programs/" + std::to_string(program) + "/imports?file_name=more.csv").c_str(),
      bearer(token), list_header + list_row("C3"), "text/csv");
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE(second);
  INFO(second->body);
  CHECK(second->status == 202);
  CHECK(waited < std::chrono::milliseconds(900));
  hold.abort();
  REQUIRE(eventually(
      [&] {
        return database.scalar("SELECT count(*) FROM imports WHERE state = 'completed'") == "2";
      },
      std::chrono::seconds(30)));
  CHECK(database.scalar("SELECT state FROM imports WHERE id = " + std::to_string(first)) ==
        "completed");
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "3");
}
