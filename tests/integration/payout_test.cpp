// Issue 5: payout batches and provider files, end to end through the CLI and the API.

#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "claimant_fixture.hpp"
#include "disburse/domain/claim_number.hpp"
#include "disburse/formats/nacha.hpp"
#include "disburse/security/crypto.hpp"
#include "payout_fixture.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
}

std::string scratch_path(const std::string& stem) {
  return "/tmp/disburse-payout-" + std::to_string(getpid()) + "-" + stem;
}

void add_finance_team(const TestDatabase& database) {
  add_user(database, "maker", "finance");
  add_user(database, "checker", "finance");
}

CommandResult as_user(const TestDatabase& database, const std::string& user,
                      std::vector<std::string> arguments) {
  arguments.push_back("--as");
  arguments.push_back(user);
  return run_disburse(database, arguments, password_of(user) + "\n");
}

json create_batch(const TestDatabase& database, std::int64_t program_id, const std::string& method,
                  const std::string& user = "maker", std::int64_t max_items = 0) {
  std::vector<std::string> arguments = {"batch", "create", "--program", std::to_string(program_id),
                                        "--method", method};
  if (max_items > 0) {
    arguments.push_back("--max-items");
    arguments.push_back(std::to_string(max_items));
  }
  const CommandResult result = as_user(database, user, arguments);
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return json::parse(result.out);
}

void approve(const TestDatabase& database, std::int64_t batch_id) {
  const CommandResult result =
      as_user(database, "checker", {"batch", "approve", std::to_string(batch_id)});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(json::parse(result.out)["state"] == "approved");
}

json produce_files(const TestDatabase& database, std::int64_t batch_id, const std::string& dir,
                   const std::map<std::string, std::string>& environment = {}) {
  std::filesystem::create_directories(dir);
  const CommandResult result = run_disburse(
      database, {"batch", "file", std::to_string(batch_id), "--out-dir", dir}, "", environment);
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return json::parse(result.out);
}

void check_books_green(const TestDatabase& database, std::int64_t program_id) {
  const CommandResult result = run_disburse(database, {"check", "--program", std::to_string(program_id)});
  CHECK_MESSAGE(result.exit_code == 0, (result.out + result.err));
  CHECK(json::parse(result.out)["ok"] == true);
}

std::string count_where(TestDatabase& database, const std::string& condition) {
  return database.scalar("SELECT count(*) FROM payments WHERE " + condition);
}

// The payment moves in `claims show` of the claimant whose payment the clause picks (given a
// real claim number first: the fixture's are placeholders).
std::string payment_moves(TestDatabase& database, const std::string& order_and_limit) {
  const std::string claimant_id =
      database.scalar("SELECT p.claimant_id FROM payments p " + order_and_limit);
  std::array<std::uint8_t, domain::claim_number_random_bytes> bytes{};
  bytes[0] = static_cast<std::uint8_t>(std::stoi(claimant_id));
  const std::string claim_number = domain::make_claim_number(bytes);
  database.execute("UPDATE claimants SET claim_number = '" + claim_number + "' WHERE id = " +
                   claimant_id);
  const CommandResult shown = as_user(database, "checker", {"claims", "show", claim_number});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  const json claim = json::parse(shown.out);
  std::string moves;
  for (const json& entry : claim["history"]) {
    if (entry["kind"] != "payment") continue;
    if (!moves.empty()) moves += ' ';
    moves += entry["from_state"].get<std::string>() + ">" + entry["to_state"].get<std::string>();
  }
  return moves;
}

// Runs the whole path for one method and returns the produced files' description.
json full_path(TestDatabase& database, const PayoutFixture& fixture, const std::string& method,
               std::int64_t expected_items, const std::string& dir,
               const std::map<std::string, std::string>& environment = {}) {
  check_books_green(database, fixture.program_id);
  const json batch = create_batch(database, fixture.program_id, method);
  CHECK(batch["items"] == expected_items);
  CHECK(batch["state"] == "draft");
  const std::string batch_id = std::to_string(batch["batch_id"].get<std::int64_t>());
  CHECK(count_where(database, "state = 'batched' AND batch_id = " + batch_id) ==
        std::to_string(expected_items));
  CHECK(database.scalar("SELECT sum(amount_cents) FROM payments WHERE batch_id = " + batch_id) ==
        std::to_string(batch["total_cents"].get<std::int64_t>()));
  check_books_green(database, fixture.program_id);
  // Maker-checker: the maker may not approve, and no file exists before approval.
  const CommandResult own = as_user(database, "maker", {"batch", "approve", batch_id});
  CHECK(own.exit_code == 5);
  CHECK(own.err.find("maker-checker") != std::string::npos);
  CHECK(run_disburse(database, {"batch", "file", batch_id, "--out-dir", dir}).exit_code == 4);
  approve(database, batch["batch_id"]);
  check_books_green(database, fixture.program_id);
  const json files = produce_files(database, batch["batch_id"], dir, environment);
  CHECK(files["produced"] == true);
  CHECK(files["state"] == "submitted");
  CHECK(count_where(database, "state = 'submitted' AND submitted_at IS NOT NULL AND batch_id = " +
                                  batch_id) == std::to_string(expected_items));
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'payment_submitted' "
                        "AND batch_id = " + batch_id) == "1");
  check_books_green(database, fixture.program_id);
  // Again: the identical bytes, and nothing changes.
  const std::string again_dir = dir + "-again";
  const json again = produce_files(database, batch["batch_id"], again_dir, environment);
  CHECK(again["produced"] == false);
  REQUIRE(again["files"].size() == files["files"].size());
  for (std::size_t index = 0; index < files["files"].size(); index++) {
    const std::string name = files["files"][index]["file_name"];
    CHECK(again["files"][index]["sha256"] == files["files"][index]["sha256"]);
    CHECK(slurp(dir + "/" + name) == slurp(again_dir + "/" + name));
  }
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries WHERE batch_id = " + batch_id) == "1");
  // Each payment's history has the batch's two moves, recorded once for the whole batch.
  CHECK(database.scalar("SELECT count(*) FROM payment_history h JOIN payments p ON p.id = "
                        "h.payment_id WHERE h.to_state = 'submitted' AND p.batch_id = " +
                        batch_id) == std::to_string(expected_items));
  CHECK(database.scalar("SELECT string_agg(from_state || '>' || to_state, ' ' ORDER BY id) FROM "
                        "payment_events WHERE batch_id = " + batch_id) ==
        "allocated>batched batched>submitted");
  check_payout_invariants(database, fixture);
  return files;
}

}  // namespace

TEST_CASE("a PayPal batch goes from allocated payments to a submitted payouts file") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {25, 0, 0, 3});
  const std::string dir = scratch_path("paypal");
  // A per-file limit of 10 splits the 25 items into three parts.
  const json files = full_path(database, fixture, "paypal", 25, dir,
                               {{"DISBURSE_PAYPAL_ITEMS_PER_FILE", "10"}});
  REQUIRE(files["files"].size() == 3);
  std::set<std::string> references;
  for (const auto& file : files["files"]) {
    const std::string content = slurp(dir + "/" + file["file_name"].get<std::string>());
    CHECK(content.starts_with("sender_batch_id,recipient_type,receiver,amount,currency,"
                              "sender_item_id,note\r\n"));
    const std::string sender_batch_id = "DISBURSE-P" + std::to_string(fixture.program_id) + "-B" +
                                        std::to_string(files["batch_id"].get<std::int64_t>()) +
                                        "-p" + std::to_string(file["part"].get<int>());
    CHECK(file["file_name"] == sender_batch_id + ".csv");
    std::istringstream lines(content);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
      CHECK(line.starts_with(sender_batch_id + ",EMAIL,c"));
      references.insert(line.substr(0, line.rfind(',')).substr(line.substr(0, line.rfind(',')).rfind(',') + 1));
    }
  }
  CHECK(references.size() == 25);
  // The three payments without an email stay allocated.
  CHECK(count_where(database, "method = 'paypal' AND state = 'allocated'") == "3");
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "-again");
}

TEST_CASE("a PayPal batch leaves out an email its file could not carry, so the file is never refused") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {4, 0, 0, 0});
  database.execute(
      "UPDATE claimants c SET email = v.email FROM (SELECT claimant_id, row_number() OVER "
      "(ORDER BY id) AS n FROM payments WHERE method = 'paypal') p, (VALUES (1, '=cmd@evil.example'), "
      "(2, 'pat,lee@example.com'), (3, 'jos\u00e9@example.com')) AS v(n, email) "
      "WHERE c.id = p.claimant_id AND p.n = v.n");
  const std::string dir = scratch_path("paypal-emails");
  const json files = full_path(database, fixture, "paypal", 1, dir, {});
  REQUIRE(files["files"].size() == 1);
  CHECK(count_where(database, "method = 'paypal' AND state = 'allocated'") == "3");
  CHECK(count_where(database, "method = 'paypal' AND state = 'submitted'") == "1");
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "-again");
}

TEST_CASE("a check batch gets check numbers, a register and a Positive Pay file") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {0, 12, 0, 2});
  const std::string dir = scratch_path("check");
  const json files = full_path(database, fixture, "check", 12, dir);
  REQUIRE(files["files"].size() == 2);
  CHECK(count_where(database, "method = 'check' AND state = 'submitted' AND check_number IS NULL") == "0");
  CHECK(database.scalar("SELECT count(DISTINCT check_number) FROM payments WHERE check_number IS NOT NULL") == "12");
  const std::string register_text = slurp(dir + "/" + files["files"][0]["file_name"].get<std::string>());
  const std::string positive_pay = slurp(dir + "/" + files["files"][1]["file_name"].get<std::string>());
  CHECK(register_text.starts_with("check_number,payee,address1"));
  const std::string first_check = database.scalar("SELECT min(check_number) FROM payments");
  const std::string first_reference =
      database.scalar("SELECT reference FROM payments WHERE check_number = " + first_check);
  CHECK(register_text.find(first_check + ",Pat") != std::string::npos);
  CHECK(register_text.find(first_reference) != std::string::npos);
  // 12 detail records and a trailer of 89 characters each.
  CHECK(positive_pay.size() == 13 * 90);
  CHECK(positive_pay.substr(90 * 12 + 88, 1) == "T");
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "-again");
}

TEST_CASE("an ACH batch becomes a NACHA PPD file that an independent parser accepts") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {0, 0, 30, 2});
  const std::string dir = scratch_path("ach");
  const json files = full_path(database, fixture, "ach", 30, dir);
  REQUIRE(files["files"].size() == 1);
  const std::string path = dir + "/" + files["files"][0]["file_name"].get<std::string>();
  const std::string content = slurp(path);
  // Our own reader: structure and controls.
  std::istringstream input(content);
  const formats::nacha::ParsedFile parsed = formats::nacha::read_file(input);
  CHECK(parsed.ok());
  REQUIRE(parsed.batches.size() == 1);
  CHECK(parsed.batches[0].header.standard_entry_class == "PPD");
  CHECK(parsed.batches[0].header.service_class_code == 220);
  CHECK(parsed.batches[0].entries.size() == 30);
  for (const auto& entry : parsed.batches[0].entries) {
    const std::string reference = entry.individual_identification;
    CHECK(entry.routing_number() == fixture_routing_number());
    CHECK(database.scalar("SELECT trace_number FROM payments WHERE reference = '" + reference + "'") ==
          entry.trace_number);
    CHECK(database.scalar("SELECT amount_cents FROM payments WHERE reference = '" + reference + "'") ==
          std::to_string(entry.amount.cents()));
  }
  // The stored copy is sealed: no plain account number at rest.
  CHECK(database.scalar("SELECT bool_and(content_sealed) FROM batch_files") == "t");
  CHECK(database.scalar("SELECT count(*) FROM batch_files WHERE content LIKE '%" +
                        fixture_account_number(1) + "%'") == "0");
  // The independent oracle (tests/oracle), when Node and its package are installed.
  const std::string source = std::getenv("DISBURSE_SOURCE_DIR") ? std::getenv("DISBURSE_SOURCE_DIR") : DISBURSE_SOURCE_DIR;
  const bool oracle_ready =
      std::system("command -v node >/dev/null 2>&1") == 0 &&
      std::filesystem::exists(source + "/tests/node_modules/@midlandsbank/node-nacha");
  if (oracle_ready) {
    const std::string out = path + ".oracle.json";
    const int status = std::system(("node " + source + "/tests/oracle/ach_parse.mjs " + path +
                                    " >" + out + " 2>" + out + ".err").c_str());
    REQUIRE_MESSAGE(status == 0, slurp(out + ".err"));
    const json oracle = json::parse(slurp(out));
    CHECK(oracle["entry_count"] == 30);
    CHECK(oracle["total_credit_cents"] == files["total_cents"]);
    CHECK(oracle["total_debit_cents"] == 0);
    for (const auto& entry : oracle["entries"]) {
      const std::string reference = entry["individual_id"];
      CHECK(database.scalar("SELECT amount_cents FROM payments WHERE reference = '" + reference +
                            "' AND batch_id = " + std::to_string(files["batch_id"].get<std::int64_t>())) ==
            std::to_string(entry["amount_cents"].get<std::int64_t>()));
      CHECK(entry["routing_number"] == fixture_routing_number());
      const std::string index = database.scalar(
          "SELECT split_part(customer_id, '-', 2) FROM claimants c JOIN payments p ON "
          "p.claimant_id = c.id WHERE p.reference = '" + reference + "'");
      CHECK(entry["account_number"] == fixture_account_number(std::stoll(index)));
    }
  } else {
    MESSAGE("the Node NACHA oracle is not installed (ops/bootstrap installs it); skipped");
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "-again");
}

TEST_CASE("cancelling a draft returns its payments to allocated for the next batch") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {10, 0, 0, 0});
  const json first = create_batch(database, fixture.program_id, "paypal", "maker", 4);
  CHECK(first["items"] == 4);
  const std::string first_id = std::to_string(first["batch_id"].get<std::int64_t>());
  const CommandResult cancelled = as_user(database, "checker", {"batch", "cancel", first_id});
  REQUIRE_MESSAGE(cancelled.exit_code == 0, cancelled.err);
  CHECK(json::parse(cancelled.out)["state"] == "cancelled");
  CHECK(count_where(database, "state = 'allocated' AND batch_id IS NULL") == "10");
  // Cancelling again changes nothing; approving a cancelled batch is refused.
  const CommandResult again = as_user(database, "maker", {"batch", "cancel", first_id});
  CHECK(again.exit_code == 0);
  CHECK(json::parse(again.out)["changed"] == false);
  CHECK(as_user(database, "checker", {"batch", "approve", first_id}).exit_code == 4);
  check_books_green(database, fixture.program_id);
  const json second = create_batch(database, fixture.program_id, "paypal");
  CHECK(second["items"] == 10);
  approve(database, second["batch_id"]);
  produce_files(database, second["batch_id"], scratch_path("cancel"));
  // A submitted batch can no longer be cancelled.
  CHECK(as_user(database, "maker", {"batch", "cancel", std::to_string(second["batch_id"].get<std::int64_t>())})
            .exit_code == 4);
  // A claim's history shows every move of its payment, the cancelled batch's too, though each
  // batch recorded its moves once for all of its payments.
  CHECK(payment_moves(database, "ORDER BY p.id LIMIT 1") ==
        "allocated>batched batched>allocated allocated>batched batched>submitted");
  CHECK(payment_moves(database, "ORDER BY p.id DESC LIMIT 1") ==
        "allocated>batched batched>submitted");
  check_payout_invariants(database, fixture);
  std::filesystem::remove_all(scratch_path("cancel"));
}

TEST_CASE("batch commands refuse what the rules forbid") {
  TestDatabase database;
  add_finance_team(database);
  add_user(database, "watcher", "auditor");
  const PayoutFixture fixture = seed_payouts(database, {3, 0, 0, 2});
  const std::string program = std::to_string(fixture.program_id);
  // An auditor may not create a batch; nobody may without --as.
  CHECK(as_user(database, "watcher", {"batch", "create", "--program", program, "--method", "paypal"})
            .exit_code == 5);
  CHECK(run_disburse(database, {"batch", "create", "--program", program, "--method", "paypal"})
            .exit_code == 2);
  CHECK(as_user(database, "maker", {"batch", "create", "--program", program, "--method", "wire"})
            .exit_code == 2);
  // No check or ACH payment is ready (their claimants lack an address or a bank account).
  const CommandResult empty =
      as_user(database, "maker", {"batch", "create", "--program", program, "--method", "ach"});
  CHECK(empty.exit_code == 4);
  CHECK(empty.err.find("no allocated ach payment ready") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM batches") == "0");
  CHECK(as_user(database, "maker", {"batch", "create", "--program", "999", "--method", "paypal"})
            .exit_code == 3);
  const json batch = create_batch(database, fixture.program_id, "paypal");
  const std::string batch_id = std::to_string(batch["batch_id"].get<std::int64_t>());
  CHECK(as_user(database, "maker", {"batch", "approve", batch_id}).exit_code == 5);
  CHECK(as_user(database, "watcher", {"batch", "approve", batch_id}).exit_code == 5);
  CHECK(database.scalar("SELECT state FROM batches") == "draft");
  // Everything that was refused left no trace in the books.
  check_payout_invariants(database, fixture);
}

TEST_CASE("concurrent batch creations never take the same payment") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {2000, 0, 0, 0});
  std::vector<pid_t> children;
  for (int index = 0; index < 6; index++) {
    children.push_back(spawn_disburse(database,
                                      {"batch", "create", "--program",
                                       std::to_string(fixture.program_id), "--method", "paypal",
                                       "--max-items", "300", "--as", "maker"},
                                      password_environment("maker")));
  }
  for (const pid_t child : children) CHECK(wait_for(child) == 0);
  CHECK(database.scalar("SELECT count(*) FROM batches") == "6");
  CHECK(database.scalar("SELECT sum(items) FROM batches") == "1800");
  CHECK(count_where(database, "state = 'batched'") == "1800");
  CHECK(database.scalar("SELECT count(*) FROM payment_history WHERE to_state = 'batched'") ==
        "1800");
  check_payout_invariants(database, fixture);
}

TEST_CASE("killing the CLI while it creates batches or produces files loses and duplicates nothing") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {20000, 0, 4000, 0});
  const std::string program = std::to_string(fixture.program_id);
  std::mt19937 random(std::random_device{}());
  // Runs the command to its end once to learn how long it takes, or kills it after a random
  // delay within that time, so that the kills land anywhere in its work.
  const auto run = [&](const std::vector<std::string>& arguments,
                       const std::map<std::string, std::string>& environment,
                       std::chrono::milliseconds kill_within) {
    const auto started = std::chrono::steady_clock::now();
    const pid_t child = spawn_disburse(database, arguments, environment);
    if (kill_within.count() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % kill_within.count()));
      kill(child, SIGKILL);
    }
    const int status = wait_for(child);
    if (kill_within.count() == 0) CHECK(status == 0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  };
  const auto create_arguments = [&](const char* method) {
    return std::vector<std::string>{"batch", "create", "--program", program, "--method", method,
                                    "--max-items", "3000", "--as", "maker"};
  };
  const auto create_time = run(create_arguments("paypal"), password_environment("maker"), {});
  int interrupted = 0;
  for (int round = 0; round < 8; round++) {
    const std::string before = database.scalar("SELECT count(*) FROM batches");
    run(create_arguments(round % 2 == 0 ? "paypal" : "ach"), password_environment("maker"),
        create_time);
    interrupted += database.scalar("SELECT count(*) FROM batches") == before ? 1 : 0;
    check_payout_invariants(database, fixture);
  }
  MESSAGE(interrupted << " of 8 batch creations were killed before they committed (a full one took "
                      << create_time.count() << " ms)");
  // Finish: batch what is left, approve every draft, then kill file production midway.
  for (const char* method : {"paypal", "ach"}) {
    while (count_where(database, "state = 'allocated' AND method = '" + std::string(method) + "'") != "0") {
      create_batch(database, fixture.program_id, method, "maker", 3000);
    }
  }
  const std::string drafts = database.scalar(
      "SELECT string_agg(id::text, ' ' ORDER BY id) FROM batches WHERE state = 'draft'");
  std::istringstream draft_ids(drafts);
  std::vector<std::string> batch_ids;
  for (std::string id; draft_ids >> id;) {
    approve(database, std::stoll(id));
    batch_ids.push_back(id);
  }
  REQUIRE(batch_ids.size() >= 3);
  const std::string dir = scratch_path("killed");
  std::filesystem::create_directories(dir);
  const auto file_time = run({"batch", "file", batch_ids[0], "--out-dir", dir}, {}, {});
  interrupted = 0;
  for (std::size_t index = 1; index < batch_ids.size(); index++) {
    run({"batch", "file", batch_ids[index], "--out-dir", dir}, {}, file_time);
    interrupted += database.scalar("SELECT state FROM batches WHERE id = " + batch_ids[index]) ==
                   "approved";
    check_payout_invariants(database, fixture);
  }
  MESSAGE(interrupted << " of " << batch_ids.size() - 1 << " file productions were killed before "
                      << "they committed (a full one took " << file_time.count() << " ms)");
  for (const std::string& id : batch_ids) produce_files(database, std::stoll(id), dir);
  CHECK(count_where(database, "program_id = " + program + " AND state <> 'submitted'") == "0");
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'payment_submitted'") ==
        std::to_string(batch_ids.size()));
  check_payout_invariants(database, fixture);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the API creates, approves and files a batch, and honours the Idempotency-Key") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {40, 6, 0, 0});
  ServerProcess server(database);
  const std::string maker = token_for(database, "maker");
  const std::string checker = token_for(database, "checker");
  const std::string batches = "/api/v1/programs/" + std::to_string(fixture.program_id) + "/batches";
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  // Without a key the request is refused; the same key sent twice at once makes one batch.
  CHECK(client.Post(batches, bearer(maker), R"({"method":"paypal"})", "application/json")->status == 400);
  std::vector<int> statuses(2);
  std::vector<std::string> bodies(2);
  std::vector<std::thread> threads;
  for (int index = 0; index < 2; index++) {
    threads.emplace_back([&, index] {
      httplib::Client own("127.0.0.1", server.port());
      own.set_read_timeout(30, 0);
      const auto response = own.Post(batches, bearer(maker, "key-1"),
                                     R"({"method":"paypal","max_items":15})", "application/json");
      statuses[index] = response->status;
      bodies[index] = response->body;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(statuses[0] == 201);
  CHECK(statuses[1] == 201);
  CHECK(bodies[0] == bodies[1]);
  CHECK(database.scalar("SELECT count(*) FROM batches") == "1");
  const json batch = json::parse(bodies[0]);
  CHECK(batch["items"] == 15);
  // The same key with another body is refused.
  const auto reused = client.Post(batches, bearer(maker, "key-1"),
                                  R"({"method":"paypal","max_items":16})", "application/json");
  CHECK(reused->status == 422);
  const std::string batch_path = "/api/v1/batches/" + std::to_string(batch["batch_id"].get<std::int64_t>());
  CHECK(client.Post(batch_path + "/approve", bearer(maker), "", "application/json")->status == 403);
  CHECK(client.Get(batch_path + "/file", bearer(maker))->status == 409);
  const auto approved = client.Post(batch_path + "/approve", bearer(checker), "", "application/json");
  REQUIRE(approved->status == 200);
  CHECK(json::parse(approved->body)["state"] == "approved");
  const auto file = client.Get(batch_path + "/file", bearer(maker));
  REQUIRE(file->status == 200);
  CHECK(file->get_header_value("X-File-Parts") == "1");
  CHECK(file->get_header_value("X-File-Produced") == "true");
  CHECK(file->body.starts_with("sender_batch_id,"));
  const auto again = client.Get(batch_path + "/file?part=1", bearer(checker));
  CHECK(again->body == file->body);
  CHECK(again->get_header_value("X-File-Produced") == "false");
  CHECK(client.Get(batch_path + "/file?part=2", bearer(maker))->status == 404);
  CHECK(json::parse(client.Get(batch_path, bearer(maker))->body)["state"] == "submitted");
  // A check batch through the API: two parts.
  const auto checks = client.Post(batches, bearer(maker, "key-2"), R"({"method":"check"})", "application/json");
  REQUIRE(checks->status == 201);
  const std::string check_path =
      "/api/v1/batches/" + std::to_string(json::parse(checks->body)["batch_id"].get<std::int64_t>());
  REQUIRE(client.Post(check_path + "/approve", bearer(checker), "", "application/json")->status == 200);
  const auto positive_pay = client.Get(check_path + "/file?part=2&issue_date=2024-04-15", bearer(maker));
  REQUIRE(positive_pay->status == 200);
  CHECK(positive_pay->get_header_value("X-File-Parts") == "2");
  CHECK(positive_pay->body.find("04152024") != std::string::npos);
  // An empty selection is a clear refusal, and it stores no response for its key.
  const auto empty = client.Post(batches, bearer(maker, "key-3"), R"({"method":"ach"})", "application/json");
  CHECK(empty->status == 409);
  const auto books = client.Get("/api/v1/programs/" + std::to_string(fixture.program_id) + "/check", bearer(checker));
  REQUIRE(books->status == 200);
  CHECK(json::parse(books->body)["ok"] == true);
  check_payout_invariants(database, fixture);
}

TEST_CASE("payments and batches are never deleted, which their events rely on") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3, 0, 0, 0});
  create_batch(database, fixture.program_id, "paypal");
  CHECK_THROWS(database.execute("DELETE FROM payments WHERE id = (SELECT min(id) FROM payments)"));
  CHECK_THROWS(database.execute("DELETE FROM batches"));
  CHECK_THROWS(database.execute("TRUNCATE payments, batches CASCADE"));
  CHECK(count_where(database, "state = 'batched'") == "3");
  check_payout_invariants(database, fixture);
}

TEST_CASE("the database keeps one live payment per claimant and round, whatever batch it is in") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {1, 0, 0, 0});
  create_batch(database, fixture.program_id, "paypal");
  const std::string second_attempt =
      "INSERT INTO payments (program_id, claimant_id, round, attempt, run_id, method, "
      "amount_cents, currency, state, reference) SELECT program_id, claimant_id, round, 2, run_id, "
      "method, amount_cents, currency, 'allocated', reference || '-2' FROM payments";
  CHECK(database.scalar("SELECT live FROM payments") == "t");
  CHECK_THROWS(database.execute(second_attempt));
  // A returned payment is dead: it makes room for the claimant's next one.
  database.execute("UPDATE payments SET state = 'returned'");
  CHECK(database.scalar("SELECT live FROM payments") == "f");
  database.execute(second_attempt);
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE live") == "1");
}

TEST_CASE("disburse check names a break when the payments and the ledger disagree") {
  TestDatabase database;
  add_finance_team(database);
  const PayoutFixture fixture = seed_payouts(database, {5, 0, 0, 0});
  check_books_green(database, fixture.program_id);
  // A payment moved without its ledger entry: the states no longer agree with the books.
  database.execute("UPDATE payments SET state = 'submitted' WHERE id = (SELECT min(id) FROM payments)");
  const CommandResult result = run_disburse(database, {"check", "--program", std::to_string(fixture.program_id)});
  CHECK(result.exit_code == 1);
  const json output = json::parse(result.out);
  CHECK(output["ok"] == false);
  bool named = false;
  for (const auto& item : output["breaks"]) {
    named = named || item["code"] == "payment_states_disagree_with_ledger";
  }
  CHECK(named);
}

TEST_CASE("a real allocation run's payments are batched and filed for every rail with green books") {
  TestDatabase database;
  add_finance_team(database);
  const CommandResult created =
      run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "10000.00",
                              "--reserve", "500.00", "--min-payment", "10.00"});
  REQUIRE(created.exit_code == 0);
  const std::int64_t program_id = json::parse(created.out)["id"];
  insert_claimants(database, program_id, 300, 7);
  // The claimant fixture has no contact data: give every claimant what its rail needs.
  security::initialize();
  const security::SecretBox box(security::load_secret_key(test_secret_key_file(), false));
  database.execute("UPDATE claimants SET first_name = 'Pat', last_name = 'Lee', email = 'p' || id || "
                   "'@example.com', address1 = id || ' Oak Ave', city = 'Austin', state = 'TX', "
                   "postal_code = '78701', bank_account_type = 'checking', bank_routing_sealed = '" +
                   box.seal_hex(fixture_routing_number()) + "', bank_account_sealed = '" +
                   box.seal_hex(fixture_account_number(7)) + "'");
  const CommandResult run = as_user(database, "maker", {"allocate", "--program", std::to_string(program_id)});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string run_id = std::to_string(json::parse(run.out)["run_id"].get<std::int64_t>());
  const CommandResult approved = as_user(database, "checker", {"allocation", "approve", run_id});
  REQUIRE_MESSAGE(approved.exit_code == 0, approved.err);
  check_books_green(database, program_id);
  const std::string dir = scratch_path("real-run");
  for (const char* method : {"paypal", "check", "ach"}) {
    CAPTURE(method);
    const std::string allocated =
        count_where(database, "state = 'allocated' AND method = '" + std::string(method) + "'");
    REQUIRE(allocated != "0");
    const json batch = create_batch(database, program_id, method);
    CHECK(std::to_string(batch["items"].get<std::int64_t>()) == allocated);
    check_books_green(database, program_id);
    approve(database, batch["batch_id"]);
    const json files = produce_files(database, batch["batch_id"], dir);
    CHECK(files["produced"] == true);
    check_books_green(database, program_id);
  }
  CHECK(count_where(database, "program_id = " + std::to_string(program_id) + " AND state <> 'submitted'") == "0");
  // Everything allocated is now in flight, and the roll-forward still ties to the fund.
  const json books = json::parse(run_disburse(database, {"check", "--program", std::to_string(program_id)}).out);
  CHECK(books["rollforward"]["ties"] == true);
  for (const auto& row : books["rollforward"]["rows"]) {
    if (row["key"] == "allocated_unsent") CHECK(row["amount_cents"] == 0);
    if (row["key"] == "in_flight") CHECK(row["amount_cents"] == 950000);
  }
  std::filesystem::remove_all(dir);
}
