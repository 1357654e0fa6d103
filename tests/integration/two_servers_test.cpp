// Two `disburse serve` processes on one database share its job queue (issue 9, fault
// injection): every job runs exactly once, both servers take work, and when one dies holding a
// job the other takes it over once the lease has run out, never before.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "fault_support.hpp"
#include "import_support.hpp"

using namespace disburse::testing;

namespace {

constexpr int lease_seconds = 5;  // The shortest the server accepts.
const std::map<std::string, std::string> short_lease = {
    {"DISBURSE_JOB_LEASE_SECONDS", std::to_string(lease_seconds)}};

// A list of `rows` customers that no other list shares.
std::string distinct_list(const std::string& prefix, int rows) {
  std::string file = list_header;
  for (int index = 0; index < rows; index++) file += list_row(prefix + "-" + std::to_string(index));
  return file;
}

std::string job_field(TestDatabase& database, const std::string& job, const std::string& column) {
  return database.scalar("SELECT " + column + " FROM jobs WHERE id = " + job);
}

}  // namespace

TEST_CASE(
    "two servers on one database run each of many queued imports exactly once and both "
    "take some") {
  TestDatabase database;
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  constexpr int imports = 10;
  constexpr int rows = 2000;
  std::vector<std::int64_t> programs;
  for (int index = 0; index < imports; index++) {
    programs.push_back(create_program(database, "Program " + std::to_string(index)));
  }
  ServerProcess first(database, short_lease);
  ServerProcess second(database, short_lease);
  for (int index = 0; index < imports; index++) {
    const ServerProcess& server = index % 2 == 0 ? first : second;
    upload_list(server.port(), token, programs[index],
                distinct_list("P" + std::to_string(index), rows));
  }
  REQUIRE(eventually(
      [&] {
        return database.scalar(
                   "SELECT count(*) FROM jobs WHERE kind = 'import' AND state IN "
                   "('succeeded', 'failed')") == std::to_string(imports);
      },
      std::chrono::seconds(90)));
  // Each job was claimed once, by one of the two servers, and did its work once.
  CHECK(database.scalar("SELECT count(*) FROM jobs WHERE kind = 'import'") ==
        std::to_string(imports));
  CHECK(database.scalar("SELECT count(*) FROM jobs WHERE kind = 'import' AND state = "
                        "'succeeded' AND attempts = 1") == std::to_string(imports));
  std::map<std::string, int> jobs_by_worker;
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  for (const auto& row :
       transaction.exec("SELECT locked_by, count(*) FROM jobs WHERE kind = 'import' GROUP BY 1")) {
    jobs_by_worker[row[0].as<std::string>()] = row[1].as<int>();
  }
  transaction.commit();
  const std::string first_worker = worker_id_of(first);
  const std::string second_worker = worker_id_of(second);
  CHECK(jobs_by_worker.size() == 2);
  CHECK(jobs_by_worker[first_worker] > 0);
  CHECK(jobs_by_worker[second_worker] > 0);
  CHECK(database.scalar("SELECT count(*) FROM imports WHERE state = 'completed'") ==
        std::to_string(imports));
  CHECK(database.scalar("SELECT count(*) FROM claimants") == std::to_string(imports * rows));
  CHECK(database.scalar("SELECT count(DISTINCT subject_id) || '/' || count(*) FROM audit_log "
                        "WHERE action = 'import.complete'") ==
        std::to_string(imports) + "/" + std::to_string(imports));
  // Both servers queue the periodic jobs at startup; there is still one of each waiting.
  CHECK(database.scalar("SELECT coalesce(max(queued), 0) FROM (SELECT count(*) AS queued FROM "
                        "jobs WHERE state = 'queued' GROUP BY kind) AS kinds") == "1");
  CHECK(first.running());
  CHECK(second.running());
  MESSAGE("imports run by each server: " << jobs_by_worker[first_worker] << " and "
                                         << jobs_by_worker[second_worker]);
}

TEST_CASE(
    "a job held by a server that dies is taken over by the other server once its lease has "
    "run out, and not while its holder renews it") {
  TestDatabase database;
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  const std::int64_t program = create_program(database, "Ring");
  constexpr int rows = 3000;
  // Writes to claimants wait for the test, so that the import job stops halfway through its
  // work (the list read and staged) for as long as the test wants.
  auto first = std::make_unique<ServerProcess>(database, short_lease);
  wait_for_quiet_job_queue(database);
  pqxx::connection blocker(database.url());
  pqxx::work hold(blocker);
  hold.exec0("LOCK TABLE claimants IN EXCLUSIVE MODE");
  const std::string first_worker = worker_id_of(*first);
  const std::int64_t import_id =
      upload_list(first->port(), token, program, distinct_list("C", rows));
  const std::string job =
      database.scalar("SELECT job_id FROM imports WHERE id = " + std::to_string(import_id));
  REQUIRE(eventually([&] { return server_waits_for_lock(database); }, std::chrono::seconds(10)));
  CHECK(job_field(database, job, "state") == "running");
  ServerProcess second(database, short_lease);
  const std::string second_worker = worker_id_of(second);
  // Longer than a lease: the living holder renews it, so the other server leaves the job alone.
  std::this_thread::sleep_for(std::chrono::milliseconds(lease_seconds * 1000 + 2000));
  CHECK(job_field(database, job, "locked_by") == first_worker);
  CHECK(job_field(database, job, "attempts") == "1");

  first->kill_now();
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(eventually([&] { return job_field(database, job, "locked_by") == second_worker; },
                     std::chrono::seconds(lease_seconds + 10)));
  const auto taken_over_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - killed)
                                 .count();
  CHECK(job_field(database, job, "attempts") == "2");
  hold.abort();
  REQUIRE_MESSAGE(eventually([&] { return job_field(database, job, "state") == "succeeded"; },
                             std::chrono::seconds(60)),
                  second.log());
  CHECK(job_field(database, job, "locked_by") == second_worker);
  CHECK(database.scalar("SELECT state FROM imports WHERE id = " + std::to_string(import_id)) ==
        "completed");
  CHECK(database.scalar("SELECT count(*) FROM claimants") == std::to_string(rows));
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'import.complete'") == "1");
  CHECK(second.running());
  const CommandResult books =
      run_disburse(database, {"check", "--program", std::to_string(program)});
  CHECK(books.exit_code == 0);
  MESSAGE("the surviving server took the job over " << taken_over_ms << " ms after the kill");
}
