// Uploads left `receiving` by a server that stopped mid-transfer are failed by the periodic
// sweep once nothing has arrived for the idle limit; uploads still coming in are left alone.
#include <doctest/doctest.h>

#include "disburse/app/imports.hpp"
#include "portal_fixture.hpp"

using namespace disburse;
using namespace disburse::testing;

namespace {

std::string receiving_import(TestDatabase& database, std::int64_t program_id,
                             const std::string& started_ago, const std::string& chunk_ago) {
  const std::string id = database.scalar(
      "INSERT INTO imports (program_id, file_name, state, created_by, created_at) VALUES (" +
      std::to_string(program_id) + ", 'list.csv', 'receiving', 'alice', now() - interval '" +
      started_ago + "') RETURNING id");
  if (!chunk_ago.empty()) {
    database.execute("INSERT INTO import_chunks (import_id, sequence, data, received_at) VALUES (" +
                     id + ", 0, 'customer_id', now() - interval '" + chunk_ago + "')");
  }
  return id;
}

}  // namespace

TEST_CASE("uploads that received nothing for an hour fail and lose their chunks, and live ones stay") {
  TestDatabase database;
  const auto program = seed_program(database);
  const std::string dead = receiving_import(database, program, "3 hours", "2 hours");
  const std::string never_sent = receiving_import(database, program, "2 hours", "");
  const std::string slow_but_alive = receiving_import(database, program, "3 hours", "5 minutes");
  const std::string just_started = receiving_import(database, program, "10 seconds", "");
  CHECK(app::fail_idle_uploads(database.database()) == 2);
  const auto state_of = [&](const std::string& id) {
    return database.scalar("SELECT state FROM imports WHERE id = " + id);
  };
  CHECK(state_of(dead) == "failed");
  CHECK(state_of(never_sent) == "failed");
  CHECK(state_of(slow_but_alive) == "receiving");
  CHECK(state_of(just_started) == "receiving");
  CHECK(database.scalar("SELECT failure LIKE 'the upload stopped%' FROM imports WHERE id = " + dead) == "t");
  CHECK(database.scalar("SELECT count(*) FROM import_chunks WHERE import_id = " + dead) == "0");
  CHECK(database.scalar("SELECT count(*) FROM import_chunks WHERE import_id = " + slow_but_alive) == "1");
  // A second sweep finds nothing more.
  CHECK(app::fail_idle_uploads(database.database()) == 0);
}
