// SIGKILL of `disburse serve` in the middle of work (issue 9, fault injection): an import run by
// the job runner, and an allocation approval. After a restart the work has happened exactly once
// or not at all, never in part, and the books tie out. (Batch creation, file production and
// reconciliation are killed on the command line in payout_test and reconcile_test.)

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "claimant_fixture.hpp"
#include "fault_support.hpp"
#include "import_support.hpp"

using namespace disburse::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The shortest lease the server accepts, so that a killed runner's job is taken up again soon.
const std::map<std::string, std::string> short_lease = {{"DISBURSE_JOB_LEASE_SECONDS", "5"}};

std::int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

void check_books(TestDatabase& database, std::int64_t program_id) {
  const CommandResult books =
      run_disburse(database, {"check", "--program", std::to_string(program_id)});
  INFO(books.out << books.err);
  CHECK(books.exit_code == 0);
}

// A program of $1,000,000 with 20,000 approved claimants and an allocation run made by "maker".
json allocation_run_of_new_program(TestDatabase& database, const std::string& name) {
  const CommandResult created = run_disburse(
      database,
      {"program", "create", "--name", name, "--fund", "1000000.00", "--min-payment", "1.00"});
  REQUIRE(created.exit_code == 0);
  const std::int64_t program = json::parse(created.out).at("id").get<std::int64_t>();
  insert_claimants(database, program, 20000, 3);
  const CommandResult allocated =
      run_disburse(database, {"allocate", "--program", std::to_string(program), "--as", "maker"},
                   "", {{"DISBURSE_PASSWORD", password_of("maker")}});
  INFO(allocated.err);
  REQUIRE(allocated.exit_code == 0);
  json run = json::parse(allocated.out);
  run["program_id"] = program;
  return run;
}

}  // namespace

TEST_CASE(
    "killing the server while its job imports a list leaves nothing partial and the retried "
    "job imports the list once") {
  TestDatabase database;
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  const auto [path, stats] = sample_list(database, 20000, 11, true);
  // The same file on the command line gives the expected counts and how long an import takes.
  const std::int64_t reference = create_program(database, "Reference");
  const auto reference_started = Clock::now();
  const json expected = import_file(database, reference, path);
  const std::int64_t import_ms = elapsed_ms(reference_started);
  const std::int64_t expected_claimants = count(
      database, "SELECT count(*) FROM claimants WHERE program_id = " + std::to_string(reference));
  REQUIRE(expected_claimants > 0);

  const std::int64_t program = create_program(database, "Ring");
  const std::string program_text = std::to_string(program);
  auto server = std::make_unique<ServerProcess>(database, short_lease);
  const std::int64_t import_id = upload_list(server->port(), token, program, read_whole_file(path));
  const std::string import_text = std::to_string(import_id);
  const std::string job = database.scalar("SELECT job_id FROM imports WHERE id = " + import_text);
  std::mt19937 random(std::random_device{}());
  int kills = 0;
  bool killed_after_commit = false;
  for (int attempt = 1; attempt <= 3 && !killed_after_commit; attempt++) {
    // A killed runner's job is claimed again once its lease has run out.
    REQUIRE(eventually(
        [&] {
          return database.scalar("SELECT attempts || state FROM jobs WHERE id = " + job) ==
                 std::to_string(attempt) + "running";
        },
        std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % (import_ms * 13 / 10 + 1)));
    server->kill_now();
    kills++;
    const std::int64_t claimants =
        count(database, "SELECT count(*) FROM claimants WHERE program_id = " + program_text);
    const std::string state =
        database.scalar("SELECT state FROM imports WHERE id = " + import_text);
    INFO("killed in attempt " << attempt << ": import " << state << ", " << claimants
                              << " claimants");
    // All of the import or none of it.
    if (state == "completed") {
      CHECK(claimants == expected_claimants);
      killed_after_commit = true;
    } else {
      CHECK(state == "running");
      CHECK(claimants == 0);
      CHECK(database.scalar("SELECT count(*) FROM import_rejections WHERE import_id = " +
                            import_text) == "0");
    }
    check_books(database, program);
    server = std::make_unique<ServerProcess>(database, short_lease);
  }
  // The restarted server finishes the job, or finds the import done, exactly once.
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        return database.scalar("SELECT state FROM jobs WHERE id = " + job) ==
                               "succeeded";
                      },
                      std::chrono::seconds(60)),
                  server->log());
  httplib::Client client("127.0.0.1", server->port());
  const auto shown = client.Get(("/api/v1/imports/" + import_text).c_str(), bearer(token));
  REQUIRE(shown);
  const json done = json::parse(shown->body);
  CHECK(done["state"] == "completed");
  for (const char* key : {"rows_total", "rows_accepted", "rows_rejected", "rows_new",
                          "rows_flagged", "rejected_by_reason", "size_bytes"}) {
    CHECK_MESSAGE(done[key] == expected[key], key);
  }
  CHECK(count(database, "SELECT count(*) FROM claimants WHERE program_id = " + program_text) ==
        expected_claimants);
  CHECK(database.scalar("SELECT count(*) FROM imports WHERE program_id = " + program_text) == "1");
  CHECK(database.scalar("SELECT count(*) FROM import_chunks") == "0");
  CHECK(
      database.scalar("SELECT count(*) FROM import_rejections WHERE import_id = " + import_text) ==
      std::to_string(expected["rows_rejected"].get<std::int64_t>()));
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'import.complete' AND "
                        "subject_id = '" +
                        import_text + "'") == "1");
  // One attempt per kill and the one that finished, unless the last kill came after that.
  const int attempts = std::stoi(database.scalar("SELECT attempts FROM jobs WHERE id = " + job));
  CHECK((attempts == kills + 1 || (killed_after_commit && attempts == kills)));
  check_books(database, program);
  CHECK(run_disburse(database, {"audit", "verify"}).exit_code == 0);
  MESSAGE(kills << " kills within " << import_ms * 13 / 10 << " ms of an attempt's start, "
                << std::string(killed_after_commit ? "the last after the commit"
                                                   : "all before the commit"));
}

TEST_CASE(
    "killing the server while it approves an allocation run creates all of the payments or "
    "none, and the retried request approves once") {
  TestDatabase database;
  add_user(database, "maker", "finance");
  add_user(database, "checker", "finance");
  const std::string token = token_for(database, "checker");
  // A twin program approved on the command line tells how long an approval takes.
  const json reference = allocation_run_of_new_program(database, "Reference");
  const auto approve_started = Clock::now();
  const CommandResult approved_reference =
      run_disburse(database,
                   {"allocation", "approve",
                    std::to_string(reference.at("run_id").get<std::int64_t>()), "--as", "checker"},
                   "", {{"DISBURSE_PASSWORD", password_of("checker")}});
  const std::int64_t approve_ms = elapsed_ms(approve_started);
  REQUIRE(approved_reference.exit_code == 0);
  const json run = allocation_run_of_new_program(database, "Ring");
  const std::int64_t program = run.at("program_id").get<std::int64_t>();
  const std::string run_text = std::to_string(run.at("run_id").get<std::int64_t>());
  const std::string paid = std::to_string(run.at("claimants_paid").get<std::int64_t>());
  const std::string approve_path = "/api/v1/allocations/" + run_text + "/approve";
  const httplib::Headers headers = bearer(token, "approve-" + run_text);
  const std::string payments_sql = "SELECT count(*) FROM payments WHERE run_id = " + run_text;
  const std::string entries_sql =
      "SELECT count(*) FROM ledger_entries WHERE kind = 'allocation_approved' AND run_id = " +
      run_text;

  std::mt19937 random(std::random_device{}());
  int kills = 0;
  bool approved = false;
  for (int round = 0; round < 4 && !approved; round++) {
    ServerProcess server(database);
    std::thread request([&] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_read_timeout(60, 0);
      client.Post(approve_path.c_str(), headers, "", "application/json");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % (approve_ms * 13 / 10 + 1)));
    server.kill_now();
    request.join();
    kills++;
    const std::string payments = database.scalar(payments_sql);
    const std::string entries = database.scalar(entries_sql);
    const std::string state =
        database.scalar("SELECT state FROM allocation_runs WHERE id = " + run_text);
    INFO("after kill " << kills << ": run " << state << ", " << payments << " payments, " << entries
                       << " ledger entries");
    approved = state == "approved";
    if (approved) {
      CHECK(payments == paid);
      CHECK(entries == "1");
    } else {
      CHECK(state == "created");
      CHECK(payments == "0");
      CHECK(entries == "0");
    }
    check_books(database, program);
  }
  // The client sends the same request again, with the same key, to a restarted server.
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(60, 0);
  const auto retried = client.Post(approve_path.c_str(), headers, "", "application/json");
  REQUIRE(retried);
  INFO(retried->body);
  CHECK(retried->status == 200);
  CHECK((retried->get_header_value("Idempotent-Replayed") == "true") == approved);
  CHECK(json::parse(retried->body)["payments_created"].dump() == paid);
  const auto replayed = client.Post(approve_path.c_str(), headers, "", "application/json");
  REQUIRE(replayed);
  CHECK(replayed->status == 200);
  CHECK(replayed->get_header_value("Idempotent-Replayed") == "true");
  CHECK(database.scalar(payments_sql) == paid);
  CHECK(database.scalar("SELECT count(*) FROM (SELECT claimant_id FROM payments GROUP BY "
                        "claimant_id HAVING count(*) > 1) AS repeated") == "0");
  CHECK(database.scalar("SELECT sum(amount_cents) FROM payments WHERE run_id = " + run_text) ==
        std::to_string(run["allocated_cents"].get<std::int64_t>()));
  CHECK(database.scalar(entries_sql) == "1");
  CHECK(database.scalar("SELECT count(*) FROM payment_events e JOIN payments p ON p.id = "
                        "e.payment_id WHERE e.to_state = 'allocated' AND p.run_id = " +
                        run_text) == paid);
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'allocation.approve' AND "
                        "subject_id = '" +
                        run_text + "'") == "1");
  check_books(database, program);
  CHECK(run_disburse(database, {"audit", "verify"}).exit_code == 0);
  MESSAGE(kills << " kills within " << approve_ms * 13 / 10 << " ms of the request, "
                << std::string(approved ? "the last after the commit" : "all before the commit"));
}

TEST_CASE(
    "an import whose server died during the job's last attempt ends failed, and the same "
    "file can be uploaded again") {
  TestDatabase database;
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  const std::int64_t program = create_program(database, "Ring");
  std::string file = list_header;
  for (int index = 0; index < 50; index++) file += list_row("C" + std::to_string(index));
  auto server = std::make_unique<ServerProcess>(database, short_lease);
  wait_for_quiet_job_queue(database);
  // Writes to claimants wait for the test: the job stops halfway, and its server dies there.
  pqxx::connection blocker(database.url());
  pqxx::work hold(blocker);
  hold.exec0("LOCK TABLE claimants IN EXCLUSIVE MODE");
  const std::string import_text = std::to_string(upload_list(server->port(), token, program, file));
  REQUIRE(eventually([&] { return server_waits_for_lock(database); }, std::chrono::seconds(10)));
  const std::string job = database.scalar("SELECT job_id FROM imports WHERE id = " + import_text);
  // As if the four attempts before this one had ended the same way.
  database.execute("UPDATE jobs SET max_attempts = attempts WHERE id = " + job);
  server->kill_now();
  hold.abort();
  server = std::make_unique<ServerProcess>(database, short_lease);
  REQUIRE(eventually(
      [&] { return database.scalar("SELECT state FROM jobs WHERE id = " + job) == "failed"; },
      std::chrono::seconds(20)));
  CHECK(database.scalar("SELECT state FROM imports WHERE id = " + import_text) == "failed");
  CHECK(database.scalar("SELECT failure FROM imports WHERE id = " + import_text)
            .find("upload the file again") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM import_chunks") == "0");
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "0");
  // The same file is a new import, not a duplicate of the failed one.
  const std::string again = std::to_string(upload_list(server->port(), token, program, file));
  CHECK(again != import_text);
  REQUIRE(eventually(
      [&] {
        return database.scalar("SELECT state FROM imports WHERE id = " + again) == "completed";
      },
      std::chrono::seconds(20)));
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "50");
  check_books(database, program);
}
