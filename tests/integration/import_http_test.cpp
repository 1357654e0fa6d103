// The API's import path: streamed upload, durable job, status and rejected rows.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "disburse/app/imports.hpp"
#include "disburse/jobs/import_jobs.hpp"
#include "disburse/security/crypto.hpp"
#include "import_support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {


httplib::Result upload(httplib::Client& client, const std::string& token, std::int64_t program,
                       const std::string& body, const std::string& key = "") {
  return client.Post(
      ("/api/v1/programs/" + std::to_string(program) + "/imports?file_name=list.csv").c_str(),
      bearer(token, key), body, "text/csv");
}

json wait_for_import(httplib::Client& client, const std::string& token, std::int64_t import_id) {
  for (int attempt = 0; attempt < 600; attempt++) {
    const auto response =
        client.Get(("/api/v1/imports/" + std::to_string(import_id)).c_str(), bearer(token));
    REQUIRE(response);
    REQUIRE(response->status == 200);
    const json body = json::parse(response->body);
    if (body["state"] == "completed" || body["state"] == "failed") return body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("the import did not finish");
  return {};
}

}  // namespace

TEST_CASE("an uploaded list is imported by the job with the same counts as on the command line") {
  TestDatabase database;
  const std::int64_t by_command = create_program(database, "Ring by command");
  const std::int64_t by_api = create_program(database, "Ring by API");
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  const auto [path, stats] = sample_list(database, 12000, 9, true);
  const json expected = import_file(database, by_command, path);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(60);
  const auto accepted = upload(client, token, by_api, read_whole_file(path));
  REQUIRE(accepted);
  INFO(accepted->body);
  REQUIRE(accepted->status == 202);
  const json queued = json::parse(accepted->body);
  CHECK(queued["state"] == "queued");
  CHECK(queued["duplicate_file"] == false);
  CHECK(queued["file_sha256"] == expected["file_sha256"]);
  const json done = wait_for_import(client, token, queued["import_id"].get<std::int64_t>());
  REQUIRE(done["state"] == "completed");
  for (const char* key : {"rows_total", "rows_accepted", "rows_rejected", "rows_new",
                          "rows_flagged", "rejected_by_reason", "size_bytes"}) {
    CHECK_MESSAGE(done[key] == expected[key], key);
  }
  CHECK(done["progress"]["bytes_processed"] == done["size_bytes"]);
  CHECK(done["progress"]["rows_processed"] == 12000);
  CHECK(database.scalar("SELECT count(*) FROM import_chunks") == "0");
  CHECK(count(database,
              "SELECT count(*) FROM claimants WHERE program_id = " + std::to_string(by_api)) ==
        stats["rows_intended_valid"].get<std::int64_t>());
  // The rejected rows read the same through either door.
  const std::string exported = scratch_path("rejected.csv");
  run_json(database,
           {"import", "rejected", std::to_string(expected["import_id"].get<std::int64_t>()),
            "--out", exported});
  const auto rejected = client.Get(
      ("/api/v1/imports/" + std::to_string(done["import_id"].get<std::int64_t>()) + "/rejected.csv")
          .c_str(),
      bearer(token));
  REQUIRE(rejected);
  CHECK(rejected->status == 200);
  CHECK(rejected->get_header_value("Content-Type").starts_with("text/csv"));
  CHECK(rejected->body == read_whole_file(exported));
  // The same file again is the first import, and nothing new is queued.
  const auto again = upload(client, token, by_api, read_whole_file(path));
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body)["duplicate_file"] == true);
  CHECK(json::parse(again->body)["import_id"] == queued["import_id"]);
  CHECK(database.scalar("SELECT count(*) FROM imports WHERE program_id = " +
                        std::to_string(by_api)) == "1");
}

TEST_CASE("an upload with an Idempotency-Key is answered once and replayed after") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const std::string file = list_header + list_row("C1");
  const auto first = upload(client, token, program, file, "key-1");
  REQUIRE(first);
  CHECK(first->status == 202);
  const auto replay = upload(client, token, program, file, "key-1");
  REQUIRE(replay);
  CHECK(replay->status == 202);
  CHECK(replay->get_header_value("Idempotent-Replayed") == "true");
  CHECK(replay->body == first->body);
  const auto different = upload(client, token, program, list_header + list_row("C2"), "key-1");
  REQUIRE(different);
  CHECK(different->status == 422);
  CHECK(database.scalar("SELECT count(*) FROM imports WHERE state <> 'failed'") == "1");
}

TEST_CASE("the import API refuses callers without the permission and unknown resources") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  add_user(database, "audra", "auditor");
  const std::string token = token_for(database, "audra");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const std::string file = list_header + list_row("C1");
  CHECK(upload(client, token, program, file)->status == 403);
  CHECK(upload(client, "not-a-token", program, file)->status == 401);
  add_user(database, "rita", "reviewer");
  const std::string reviewer = token_for(database, "rita");
  CHECK(upload(client, reviewer, 999, file)->status == 404);
  const auto missing = client.Get("/api/v1/imports/999", bearer(reviewer));
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("Content-Type") == "application/problem+json");
  CHECK(client.Get("/api/v1/imports/999/rejected.csv", bearer(reviewer))->status == 404);
  CHECK(client.Get("/api/v1/imports/1/rejected.csv", bearer(token))->status == 403);
  CHECK(database.scalar("SELECT count(*) FROM imports") == "0");
}

TEST_CASE("an uploaded file without a usable header ends as a failed import with the reason") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const auto accepted = upload(client, token, program, "name,email\nAna,a@example.com\n");
  REQUIRE(accepted);
  REQUIRE(accepted->status == 202);
  const json done =
      wait_for_import(client, token, json::parse(accepted->body)["import_id"].get<std::int64_t>());
  CHECK(done["state"] == "failed");
  CHECK(done["failure"].get<std::string>().find("the header cannot be used") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM import_chunks") == "0");
  CHECK(database.scalar("SELECT state FROM jobs WHERE kind = 'import'") == "succeeded");
}

TEST_CASE("an import job that fails midway leaves nothing visible and succeeds when retried") {
  TestDatabase database;
  security::initialize();
  const security::SecretBox secrets(security::load_secret_key(test_secret_key_file(), false));
  const std::int64_t program = create_program(database, "Ring");
  const auto [path, stats] = sample_list(database, 3000, 4, true);
  const std::string file = read_whole_file(path);
  const app::Actor actor = app::Actor::operator_shell();
  const std::int64_t import_id = app::begin_upload(database.database(), actor, program, "list.csv");
  const std::size_t half = file.size() / 2;
  app::append_upload_chunk(database.database(), import_id, 0, file.substr(0, half));
  app::append_upload_chunk(database.database(), import_id, 1, file.substr(half));
  database.database().write([&](pg::Transaction& transaction) {
    app::finish_upload(transaction, actor, import_id, security::sha256_hex(file),
                       static_cast<std::int64_t>(file.size()));
  });
  // The second chunk goes bad after the upload: the job reads every row, then finds the file
  // is not the one that was received, and its transaction rolls back.
  database.execute("UPDATE import_chunks SET data = data || '\\x41'::bytea WHERE sequence = 1");
  jobs::JobRunner runner(database.database(), {1, 10, 30}, "runner");
  jobs::add_import_jobs(runner, database.database(), secrets);
  CHECK(runner.run_one());
  CHECK(database.scalar("SELECT state FROM jobs WHERE kind = 'import'") == "queued");
  CHECK(database.scalar("SELECT state FROM imports") == "running");
  for (const char* table : {"claimants", "import_rejections", "claim_events"}) {
    CHECK(database.scalar(std::string("SELECT count(*) FROM ") + table) == "0");
  }
  database.execute(
      "UPDATE import_chunks SET data = substring(data FROM 1 FOR length(data) - 1) "
      "WHERE sequence = 1");
  database.execute("UPDATE jobs SET run_at = now()");
  CHECK(runner.run_one());
  CHECK(database.scalar("SELECT state FROM jobs WHERE kind = 'import'") == "succeeded");
  CHECK(database.scalar("SELECT state || ' ' || rows_accepted FROM imports") ==
        "completed " + std::to_string(stats["rows_intended_valid"].get<std::int64_t>()));
}

TEST_CASE("the import routes are described in the OpenAPI document") {
  const json document =
      json::parse(read_whole_file(std::string(DISBURSE_SOURCE_DIR) + "/docs/openapi.json"));
  CHECK(document["paths"]["/api/v1/programs/{id}/imports"].contains("post"));
  CHECK(document["paths"]["/api/v1/imports/{id}"].contains("get"));
  CHECK(document["paths"]["/api/v1/imports/{id}/rejected.csv"].contains("get"));
}

TEST_CASE("an upload over the size limit is refused with 413 and leaves a failed import") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  ServerProcess server(database, {{"DISBURSE_MAX_UPLOAD_BYTES", "4096"}});
  httplib::Client client("127.0.0.1", server.port());
  std::string file = list_header;
  for (int row = 0; row < 100; row++) file += list_row("C" + std::to_string(row));
  const auto refused = upload(client, token, program, file);
  REQUIRE(refused);
  CHECK(refused->status == 413);
  CHECK(database.scalar("SELECT count(*) FROM import_chunks") == "0");
  CHECK(database.scalar("SELECT count(*) FROM imports WHERE state <> 'failed'") == "0");
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "0");
}
