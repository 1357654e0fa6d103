#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "claimant_fixture.hpp"
#include "disburse/domain/payment_reference.hpp"
#include "support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {

constexpr int fixture_claimants = 500;

// A program of $10,000 with a $500 reserve and a $10 minimum: with 500 claimants the lightest
// quotas fall below the minimum, so every run drops some.
std::int64_t create_program(TestDatabase& database, const std::string& name = "Ring") {
  const CommandResult created =
      run_disburse(database, {"program", "create", "--name", name, "--fund", "10000.00",
                              "--reserve", "500.00", "--min-payment", "10.00"});
  REQUIRE(created.exit_code == 0);
  return json::parse(created.out).at("id").get<std::int64_t>();
}

CommandResult as_user(TestDatabase& database, const std::string& user,
                      std::vector<std::string> arguments) {
  arguments.push_back("--as");
  arguments.push_back(user);
  return run_disburse(database, arguments, "", {{"DISBURSE_PASSWORD", password_of(user)}});
}

json succeeded(const CommandResult& result) {
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

json allocate(TestDatabase& database, std::int64_t program_id, const std::string& user = "maker",
              std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments = {"allocate", "--program", std::to_string(program_id)};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return succeeded(as_user(database, user, arguments));
}

void add_finance_users(TestDatabase& database) {
  add_user(database, "maker", "finance");
  add_user(database, "checker", "finance");
}

std::string run_text(const json& run) { return std::to_string(run.at("run_id").get<std::int64_t>()); }

}  // namespace

TEST_CASE("an allocation run divides the approved claims to the cent and a rerun reproduces its hash") {
  TestDatabase database;
  add_finance_users(database);
  const std::int64_t program_id = create_program(database);
  insert_claimants(database, program_id, fixture_claimants, 1);
  // A denied claim is not allocated.
  const FixtureClaimant denied = insert_claimant(database, program_id, "Indoor Cam", 30);
  database.execute("UPDATE claimants SET claim_state = 'denied' WHERE id = " + std::to_string(denied.id));

  const json run = allocate(database, program_id);
  for (const char* key : {"run_id", "round", "distributable_cents", "allocated_cents",
                          "claimants_paid", "claimants_dropped", "output_sha256"}) {
    CHECK(run.contains(key));
  }
  CHECK(run["round"] == 1);
  CHECK(run["distributable_cents"] == 950000);
  CHECK(run["allocated_cents"] == 950000);
  CHECK(run["claimants_dropped"].get<int>() > 0);
  CHECK(run["claimants_paid"].get<int>() + run["claimants_dropped"].get<int>() == fixture_claimants);
  CHECK(run["statistics"]["minimum_cents"].get<int>() >= 1000);
  CHECK(run["statistics"]["by_device_type"].size() == 8);
  const std::string id = run_text(run);
  CHECK(database.scalar("SELECT sum(share_cents) FROM allocation_shares WHERE run_id = " + id) == "950000");
  CHECK(database.scalar("SELECT count(*) FROM allocation_shares WHERE run_id = " + id) ==
        std::to_string(fixture_claimants));
  CHECK(database.scalar("SELECT count(*) FROM allocation_shares WHERE status <> 'below_minimum' "
                        "AND share_cents < 1000") == "0");

  const json rerun = allocate(database, program_id, "maker", {"--seed", std::to_string(run["seed"].get<std::uint64_t>())});
  CHECK(rerun["run_id"] != run["run_id"]);
  CHECK(rerun["output_sha256"] == run["output_sha256"]);
  CHECK(rerun["inputs_sha256"] == run["inputs_sha256"]);
  const json default_seed_rerun = allocate(database, program_id);
  CHECK(default_seed_rerun["output_sha256"] == run["output_sha256"]);

  const json shown = succeeded(run_disburse(database, {"allocation", "show", id}));
  CHECK(shown["output_sha256"] == run["output_sha256"]);
  CHECK(shown["statistics"] == run["statistics"]);
  CHECK(shown["state"] == "created");
}

TEST_CASE("approving an allocation run is maker-checker and creates one payment per paid share and one ledger entry") {
  TestDatabase database;
  add_finance_users(database);
  const std::int64_t program_id = create_program(database);
  insert_claimants(database, program_id, fixture_claimants, 2);
  const json run = allocate(database, program_id);
  const json other = allocate(database, program_id, "checker");
  const std::string id = run_text(run);

  const CommandResult same_user = as_user(database, "maker", {"allocation", "approve", id});
  CHECK(same_user.exit_code == 5);
  CHECK(same_user.err.find("maker-checker") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM payments") == "0");

  const json approved = succeeded(as_user(database, "checker", {"allocation", "approve", id}));
  CHECK(approved["state"] == "approved");
  CHECK(approved["approved_by"] == "checker");
  CHECK(approved["program_status"] == "distributing");
  CHECK(approved["runs_superseded"] == 1);
  const std::string paid = std::to_string(run["claimants_paid"].get<int>());
  CHECK(approved["payments_created"] == run["claimants_paid"]);
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE state = 'allocated' AND attempt = 1 "
                        "AND round = 1 AND currency = 'USD' AND run_id = " + id) == paid);
  CHECK(database.scalar("SELECT sum(amount_cents) FROM payments") ==
        std::to_string(run["allocated_cents"].get<int>()));
  CHECK(database.scalar("SELECT count(*) FROM payment_events WHERE to_state = 'allocated'") == paid);
  CHECK(database.scalar("SELECT count(*) FROM payments p JOIN claimants c ON c.id = p.claimant_id "
                        "WHERE p.method <> c.payment_method") == "0");
  const std::string claimant = database.scalar("SELECT min(claimant_id) FROM payments");
  CHECK(database.scalar("SELECT reference FROM payments WHERE claimant_id = " + claimant) ==
        domain::payment_reference({program_id, 1, std::stoll(claimant), 1}));

  CHECK(database.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'allocation_approved' "
                        "AND run_id = " + id) == "1");
  CHECK(database.scalar("SELECT sum(p.amount_cents) FROM ledger_postings p JOIN ledger_entries e "
                        "ON e.id = p.entry_id WHERE p.account = 'allocated'") == "950000");
  CHECK(database.scalar("SELECT sum(p.amount_cents) FROM ledger_postings p JOIN ledger_entries e "
                        "ON e.id = p.entry_id WHERE p.account = 'unallocated_fund'") == "0");
  CHECK(database.scalar("SELECT status FROM programs") == "distributing");

  // The other run of the round was superseded; neither it nor a new run can be approved.
  const CommandResult second = as_user(database, "maker", {"allocation", "approve", run_text(other)});
  CHECK(second.exit_code == 4);
  CHECK(second.err.find("superseded") != std::string::npos);
  const CommandResult again = as_user(database, "maker", {"allocate", "--program", std::to_string(program_id)});
  CHECK(again.exit_code == 4);
  CHECK(again.err.find("already has an approved run") != std::string::npos);
  CHECK(as_user(database, "checker", {"allocation", "approve", id}).exit_code == 4);
  CHECK(database.scalar("SELECT count(*) FROM payments") == paid);
  CHECK(run_disburse(database, {"audit", "verify"}).exit_code == 0);
}

TEST_CASE("an allocation share is explained in one sentence and the shares export has a row per claimant") {
  TestDatabase database;
  add_finance_users(database);
  const std::int64_t program_id = create_program(database);
  insert_claimants(database, program_id, fixture_claimants - 1, 3);
  const FixtureClaimant indoor = insert_claimant(database, program_id, "Indoor Cam", 26);
  const json run = allocate(database, program_id);
  const std::string id = run_text(run);

  const json explained = succeeded(run_disburse(database, {"allocation", "explain", id, indoor.claim_number}));
  const std::string sentence = explained["explanation"];
  CHECK(sentence.starts_with("Indoor Cam, 26 months × 3 points = 78 of "));
  CHECK(sentence.ends_with("→ $" + explained["share"].get<std::string>()));
  CHECK(explained["weight"] == 78);
  // A lower-case spelling with spaces is the same claim number.
  std::string typed = indoor.claim_number;
  for (char& character : typed) character = static_cast<char>(std::tolower(character));
  CHECK(succeeded(run_disburse(database, {"allocation", "explain", id, typed}))["explanation"] == sentence);
  CHECK(run_disburse(database, {"allocation", "explain", id, "K7QM-3XHD-9PB"}).exit_code == 3);

  const std::string path = "/tmp/disburse-shares-" + id + "-" + std::to_string(getpid()) + ".csv";
  const json exported = succeeded(run_disburse(database, {"allocation", "shares", id, "--out", path}));
  CHECK(exported["rows"] == fixture_claimants);
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  CHECK(line == "claim_number,share,weight,status");
  int rows = 0;
  while (std::getline(file, line)) rows++;
  CHECK(rows == fixture_claimants);
  std::remove(path.c_str());
}

TEST_CASE("claimants the rule cannot weigh stop the allocation until the rule knows their device") {
  TestDatabase database;
  add_finance_users(database);
  add_user(database, "alice", "admin");
  const std::int64_t program_id = create_program(database);
  insert_claimants(database, program_id, 50, 4);
  insert_claimant(database, program_id, "Car Cam", 12);
  insert_claimant(database, program_id, "Car Cam", 40);
  const CommandResult refused = as_user(database, "maker", {"allocate", "--program", std::to_string(program_id)});
  CHECK(refused.exit_code == 4);
  CHECK(refused.err.find("2 approved claimants cannot be weighed: 2 with a device type the rule "
                         "does not know ('Car Cam' 2)") != std::string::npos);

  const std::string rule_path = "/tmp/disburse-rule-" + std::to_string(getpid()) + ".txt";
  std::ofstream(rule_path) << "months_cap = 48\nIndoor Cam=3\nStick Up Cam=3\nPeephole Cam=2\n"
                              "Spotlight Cam=2\nFloodlight Cam=2\nVideo Doorbell Pro=2\n"
                              "Doorbell Elite=2\nVideo Doorbell=1\nCar Cam=1\n";
  const json rule = succeeded(as_user(database, "alice", {"program", "rule", std::to_string(program_id), "--set", rule_path}));
  CHECK(rule["is_default"] == false);
  CHECK(rule["months_cap"] == 48);
  CHECK(rule["device_points"]["Car Cam"] == 1);
  const json run = allocate(database, program_id);
  CHECK(run["claimants_paid"].get<int>() + run["claimants_dropped"].get<int>() == 52);
  CHECK(run["weighting_rule"] == rule["text"]);

  succeeded(as_user(database, "checker", {"allocation", "approve", run_text(run)}));
  const CommandResult frozen = as_user(database, "alice", {"program", "rule", std::to_string(program_id), "--default"});
  CHECK(frozen.exit_code == 4);
  CHECK(frozen.err.find("is fixed") != std::string::npos);
  CHECK(succeeded(run_disburse(database, {"program", "rule", std::to_string(program_id)}))["editable"] == false);
  std::remove(rule_path.c_str());
}

TEST_CASE("an allocation run whose approved claims changed since it was computed is not approved") {
  TestDatabase database;
  add_finance_users(database);
  const std::int64_t program_id = create_program(database);
  const auto claimants = insert_claimants(database, program_id, 100, 5);
  const json run = allocate(database, program_id);
  database.execute("UPDATE claimants SET claim_state = 'denied' WHERE id = " +
                   std::to_string(claimants.front().id));
  const CommandResult stale = as_user(database, "checker", {"allocation", "approve", run_text(run)});
  CHECK(stale.exit_code == 4);
  CHECK(stale.err.find("no longer matches") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM payments") == "0");
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries WHERE run_id IS NOT NULL") == "0");
}

TEST_CASE("the API allocates, explains, exports and approves an allocation once per Idempotency-Key") {
  TestDatabase database;
  add_finance_users(database);
  const std::int64_t program_id = create_program(database);
  add_user(database, "alice", "admin");
  const auto claimants = insert_claimants(database, program_id, fixture_claimants, 6);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const httplib::Headers maker = {{"Authorization", "Bearer " + token_for(database, "maker")}};
  const httplib::Headers checker = {{"Authorization", "Bearer " + token_for(database, "checker")}};
  const std::string programs = "/api/v1/programs/" + std::to_string(program_id);

  const auto rule = client.Get((programs + "/weighting-rule").c_str(), maker);
  REQUIRE(rule);
  CHECK(rule->status == 200);
  CHECK(json::parse(rule->body)["is_default"] == true);

  const auto created = client.Post((programs + "/allocations").c_str(), maker, "{\"seed\": \"42\"}",
                                   "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);
  const json run = json::parse(created->body);
  CHECK(run["seed"] == 42);
  CHECK(run["allocated_cents"] == 950000);
  const std::string allocation = "/api/v1/allocations/" + run_text(run);
  const json cli_run = allocate(database, program_id, "maker", {"--seed", "42"});
  CHECK(cli_run["output_sha256"] == run["output_sha256"]);

  const auto shown = client.Get(allocation.c_str(), checker);
  REQUIRE(shown);
  CHECK(json::parse(shown->body)["output_sha256"] == run["output_sha256"]);
  const auto explained = client.Get(
      (allocation + "/explain?claim=" + claimants[7].claim_number).c_str(), checker);
  REQUIRE(explained);
  CHECK(json::parse(explained->body)["explanation"].get<std::string>().starts_with(
      claimants[7].device_type + ", "));
  const auto csv = client.Get((allocation + "/shares.csv").c_str(), checker);
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(std::count(csv->body.begin(), csv->body.end(), '\n') == fixture_claimants + 1);

  const auto keyless = client.Post((allocation + "/approve").c_str(), checker, "", "application/json");
  REQUIRE(keyless);
  CHECK(keyless->status == 400);
  httplib::Headers maker_keyed = maker;
  maker_keyed.emplace("Idempotency-Key", "approve-1");
  const auto forbidden = client.Post((allocation + "/approve").c_str(), maker_keyed, "", "application/json");
  REQUIRE(forbidden);
  CHECK(forbidden->status == 403);

  httplib::Headers checker_keyed = checker;
  checker_keyed.emplace("Idempotency-Key", "approve-1");
  const auto approved = client.Post((allocation + "/approve").c_str(), checker_keyed, "", "application/json");
  REQUIRE(approved);
  CHECK(approved->status == 200);
  const auto replayed = client.Post((allocation + "/approve").c_str(), checker_keyed, "", "application/json");
  REQUIRE(replayed);
  CHECK(replayed->status == 200);
  CHECK(replayed->get_header_value("Idempotent-Replayed") == "true");
  CHECK(replayed->body == approved->body);
  CHECK(database.scalar("SELECT count(*) FROM payments") ==
        std::to_string(run["claimants_paid"].get<int>()));
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'allocation_approved'") == "1");

  const httplib::Headers admin = {{"Authorization", "Bearer " + token_for(database, "alice")}};
  const auto frozen = client.Post((programs + "/weighting-rule").c_str(), admin,
                                  "{\"text\": \"\"}", "application/json");
  REQUIRE(frozen);
  CHECK(frozen->status == 409);
}
