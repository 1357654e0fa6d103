#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "disburse/app/claims.hpp"
#include "portal_fixture.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {


json run_json(const TestDatabase& database, const std::vector<std::string>& arguments,
              const std::string& user) {
  std::vector<std::string> words = arguments;
  words.insert(words.end(), {"--as", user});
  const CommandResult result = run_disburse(database, words, password_of(user) + "\n");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

ClaimantSpec flagged(const std::string& flag, const std::string& first_name) {
  ClaimantSpec spec;
  spec.claim_state = "pending_review";
  spec.review_flags = {flag};
  spec.first_name = first_name;
  return spec;
}

}  // namespace

TEST_CASE("the review queue lists pending claims with their flags, masked, filtered and paged") {
  TestDatabase database;
  const auto program = seed_program(database);
  seed_claimant(database, program);  // Approved: not in the queue.
  for (int index = 0; index < 3; index++) seed_claimant(database, program, flagged("duplicate_email", "Ana"));
  seed_claimant(database, program, flagged("duplicate_address", "Bea"));
  add_user(database, "rita", "reviewer");
  const std::string program_id = std::to_string(program);
  const json queue = run_json(database, {"claims", "list", "--program", program_id, "--state", "pending_review"}, "rita");
  CHECK(queue["items"].size() == 4);
  CHECK(queue["next_cursor"].is_null());
  const json first = queue["items"][0];
  CHECK(first["state"] == "pending_review");
  CHECK(first["flags"] == json::array({"duplicate_email"}));
  CHECK(first["name"] == "A** L****");
  CHECK(first["email"] == "m***@e******.com");
  CHECK(first["postal_code"] == "941**");
  CHECK(first["masked"] == true);
  const json page = run_json(database, {"claims", "list", "--program", program_id, "--state", "pending_review",
                                        "--flag", "duplicate_email", "--limit", "2"}, "rita");
  CHECK(page["items"].size() == 2);
  REQUIRE(page["next_cursor"].is_string());
  const json rest = run_json(database, {"claims", "list", "--program", program_id, "--state", "pending_review",
                                        "--flag", "duplicate_email", "--limit", "2", "--cursor",
                                        page["next_cursor"].get<std::string>()}, "rita");
  CHECK(rest["items"].size() == 1);
  CHECK(rest["next_cursor"].is_null());
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'claimant.reveal'") == "0");
}

TEST_CASE("revealing personal data needs the permission and is audited per claimant") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  add_user(database, "alice", "admin");
  add_user(database, "otto", "auditor");
  const CommandResult refused = run_disburse(
      database, {"claims", "list", "--program", std::to_string(program), "--reveal", "--as", "otto"},
      password_of("otto") + "\n");
  CHECK(refused.exit_code == 5);
  const json revealed = run_json(database, {"claims", "list", "--program", std::to_string(program), "--reveal"}, "alice");
  CHECK(revealed["items"][0]["name"] == "Maria Lopez");
  CHECK(revealed["items"][0]["email"] == "maria.lopez@example.com");
  CHECK(revealed["items"][0]["masked"] == false);
  const json shown = run_json(database, {"claims", "show", claimant.claim_number, "--reveal"}, "alice");
  CHECK(shown["address1"] == "123 Main St");
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'claimant.reveal' AND actor = 'alice' "
                        "AND subject_id = '" + std::to_string(claimant.id) + "'") == "2");
  // The audit record names the claimant by id only.
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE details LIKE '%Lopez%'") == "0");
  const CommandResult verify = run_disburse(database, {"audit", "verify"});
  CHECK(verify.exit_code == 0);
}

TEST_CASE("reviewers decide claims through the CLI and the API, each transition recorded and audited") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto first = seed_claimant(database, program, flagged("duplicate_email", "Ana"));
  const auto second = seed_claimant(database, program, flagged("duplicate_email", "Bea"));
  add_user(database, "rita", "reviewer");
  add_user(database, "fran", "finance");
  const json approved = run_json(database, {"claims", "decide", first.claim_number, "approve", "--reason", "identity_verified"}, "rita");
  CHECK(approved["state"] == "approved");
  CHECK(approved["changed"] == true);
  const json again = run_json(database, {"claims", "decide", first.claim_number, "approve", "--reason", "identity_verified"}, "rita");
  CHECK(again["changed"] == false);
  const CommandResult not_allowed = run_disburse(
      database, {"claims", "decide", first.claim_number, "deficient", "--reason", "missing_proof", "--as", "rita"},
      password_of("rita") + "\n");
  CHECK(not_allowed.exit_code == 4);
  const CommandResult bad_reason = run_disburse(
      database, {"claims", "decide", first.claim_number, "deny", "--reason", "Maria Lopez lied", "--as", "rita"},
      password_of("rita") + "\n");
  CHECK(bad_reason.exit_code == 2);
  const CommandResult typo = run_disburse(
      database, {"claims", "show", with_typo(first.claim_number), "--as", "rita"}, password_of("rita") + "\n");
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("typo") != std::string::npos);

  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const std::string path = "/api/v1/claims/" + second.claim_number + "/decisions";
  const std::string body = R"({"decision":"deficient","reason":"missing_proof"})";
  CHECK(client.Post(path, bearer(token_for(database, "fran")), body, "application/json")->status == 403);
  const auto decided = client.Post(path, bearer(token_for(database, "rita")), body, "application/json");
  REQUIRE(decided->status == 200);
  CHECK(json::parse(decided->body)["state"] == "deficient");
  CHECK(json::parse(decided->body)["cure_deadline"].is_string());
  const auto conflict = client.Post(path, bearer(token_for(database, "rita")), R"({"decision":"approve","reason":"ok"})", "application/json");
  CHECK(conflict->status == 409);
  const auto queue = client.Get("/api/v1/claims?program_id=" + std::to_string(program) + "&state=deficient",
                                bearer(token_for(database, "fran")));
  REQUIRE(queue->status == 200);
  CHECK(json::parse(queue->body)["items"].size() == 1);
  const auto shown = client.Get("/api/v1/claims/" + second.claim_number, bearer(token_for(database, "fran")));
  REQUIRE(shown->status == 200);
  const json history = json::parse(shown->body)["history"];
  REQUIRE(history.size() == 1);
  CHECK(history[0]["kind"] == "claim");
  CHECK(history[0]["from_state"] == "pending_review");
  CHECK(history[0]["to_state"] == "deficient");
  CHECK(history[0]["reason"] == "missing_proof");
  CHECK(history[0]["actor"] == "rita");
  CHECK(client.Get("/api/v1/claims/" + second.claim_number + "?reveal=true", bearer(token_for(database, "fran")))->status == 403);
  CHECK(database.scalar("SELECT count(*) FROM claim_events") == "2");
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'claim.transition'") == "2");
}

TEST_CASE("the cure-deadline sweep denies deficient claims only once their deadline passed") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program, flagged("duplicate_email", "Ana"));
  add_user(database, "rita", "reviewer");
  const app::Actor reviewer{1, "rita", domain::Role::reviewer, "cli"};
  const std::int64_t marked_at = 1'714'521'600;
  database.database().write([&](pg::Transaction& transaction) {
    app::decide_claim(transaction, reviewer, claimant.claim_number, "deficient", "missing_proof", marked_at);
  });
  const std::int64_t day = 86'400;
  CHECK(app::deny_claims_past_cure_deadline(database.database(), marked_at + 29 * day, 100) == 0);
  CHECK(app::deny_claims_past_cure_deadline(database.database(), marked_at + 30 * day, 100) == 0);
  CHECK(app::deny_claims_past_cure_deadline(database.database(), marked_at + 31 * day, 100) == 1);
  CHECK(database.scalar("SELECT claim_state FROM claimants WHERE id = " + std::to_string(claimant.id)) == "denied");
  CHECK(database.scalar("SELECT actor || ' ' || reason FROM claim_events ORDER BY id DESC LIMIT 1") ==
        "system:claims.cure_deadline cure_deadline_passed");
  CHECK(app::deny_claims_past_cure_deadline(database.database(), marked_at + 32 * day, 100) == 0);
}

TEST_CASE("the server's periodic job denies claims whose cure deadline has passed") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program, flagged("duplicate_email", "Ana"));
  database.execute("UPDATE claimants SET claim_state = 'deficient', cure_deadline = now() - interval '1 day' "
                   "WHERE id = " + std::to_string(claimant.id));
  ServerProcess server(database);
  std::string state;
  for (int attempt = 0; attempt < 100 && state != "denied"; attempt++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    state = database.scalar("SELECT claim_state FROM claimants WHERE id = " + std::to_string(claimant.id));
  }
  CHECK(state == "denied");
  // The next run is queued, not run in a loop.
  CHECK(database.scalar("SELECT count(*) FROM jobs WHERE kind = 'claims.cure_deadline' AND state = 'queued'") == "1");
}
