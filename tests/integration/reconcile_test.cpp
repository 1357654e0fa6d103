// Issue 6: reconciliation of PayPal results, NACHA returns and paid-checks files, end to end.

#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "reconcile_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

PaypalResult line(const SubmittedPayment& payment, const std::string& status,
                  const std::string& time = "2024-04-20T10:00:00Z") {
  return {payment.reference, status, dollars(payment.amount_cents), "USD", time};
}

void check_counts(const json& report, std::int64_t applied, std::int64_t already_applied,
                  std::int64_t unknown, std::int64_t mismatched, std::int64_t duplicate,
                  std::int64_t contradicting) {
  CHECK(report["applied"] == applied);
  CHECK(report["already_applied"] == already_applied);
  CHECK(report["unknown"] == unknown);
  CHECK(report["mismatched"] == mismatched);
  CHECK(report["duplicate"] == duplicate);
  CHECK(report["contradicting"] == contradicting);
}

std::string slurp(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
}

std::string ledger_balance(TestDatabase& database, std::int64_t program_id,
                           const std::string& account) {
  return database.scalar(
      "SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_entries e ON "
      "e.id = p.entry_id WHERE e.program_id = " +
      std::to_string(program_id) + " AND p.account = '" + account + "'");
}

std::string sum_in_states(TestDatabase& database, std::int64_t program_id,
                          const std::string& states) {
  return database.scalar("SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE program_id = " +
                         std::to_string(program_id) + " AND state IN (" + states + ")");
}

}  // namespace

TEST_CASE(
    "a PayPal results file applies every status once, and the same file again applies nothing") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {12, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  REQUIRE(p.size() == 12);
  const std::string results = paypal_results({
      line(p[0], "SUCCESS"),
      line(p[1], "UNCLAIMED"),
      line(p[2], "RETURNED"),
      line(p[3], "FAILED"),
      line(p[4], "BLOCKED"),
      line(p[5], "REFUNDED"),
      line(p[6], "REVERSED"),
      line(p[7], "ONHOLD"),
      line(p[8], "pending"),
      {p[9].reference, "SUCCESS", dollars(p[9].amount_cents + 1)},
      {p[10].reference, "SUCCESS", dollars(p[10].amount_cents), "EUR"},
      {"=1+2", "SUCCESS", "10.00"},
      line(p[0], "SUCCESS", "2024-04-21T10:00:00Z"),
      {p[11].reference, "BOGUS", "10.00"},
  });
  const json first = reconcile_file(database, batch_id, results);
  check_counts(first, 7, 0, 1, 2, 1, 0);
  CHECK(first["kind"] == "paypal_results");
  CHECK(first["lines"] == 14);
  CHECK(first["pending"] == 2);
  CHECK(first["malformed"] == 1);
  CHECK(first["amount_mismatch"] == 1);
  CHECK(first["currency_mismatch"] == 1);
  CHECK(state_of(database, p[0].id) == "paid");
  CHECK(state_of(database, p[1].id) == "unclaimed");
  CHECK(state_of(database, p[2].id) == "returned");
  CHECK(state_of(database, p[3].id) == "failed");
  CHECK(state_of(database, p[4].id) == "failed");
  CHECK(state_of(database, p[5].id) == "returned");
  CHECK(state_of(database, p[6].id) == "returned");
  for (std::size_t index = 7; index < 12; index++)
    CHECK(state_of(database, p[index].id) == "submitted");
  CHECK(database.scalar("SELECT paid_at IS NOT NULL FROM payments WHERE id = " +
                        std::to_string(p[0].id)) == "t");
  check_books_green(database, fixture.program_id);
  // The ledger moved exactly the applied amounts.
  CHECK(ledger_balance(database, fixture.program_id, "paid_out") ==
        std::to_string(p[0].amount_cents));
  CHECK(ledger_balance(database, fixture.program_id, "returned_pool") ==
        sum_in_states(database, fixture.program_id, "'returned', 'failed'"));
  const std::string events = database.scalar("SELECT count(*) FROM payment_events");
  const std::string entries = database.scalar("SELECT count(*) FROM ledger_entries");

  const json second = reconcile_file(database, batch_id, results);
  check_counts(second, 0, 7, 1, 2, 1, 0);
  CHECK(database.scalar("SELECT count(*) FROM payment_events") == events);
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries") == entries);
  CHECK(second["reconciliation_id"] != first["reconciliation_id"]);
  check_books_green(database, fixture.program_id);

  // The report: every line with its outcome, formulas neutralised.
  const std::string path = write_scratch_file("report.csv", "");
  const CommandResult report = run_disburse(
      database, {"reconcile", "report",
                 std::to_string(first["reconciliation_id"].get<std::int64_t>()), "--out", path});
  REQUIRE_MESSAGE(report.exit_code == 0, report.err);
  const std::string csv = slurp(path);
  std::filesystem::remove(path);
  CHECK(
      csv.starts_with("line_number,reference,payment_id,reported_status,amount,currency,outcome"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 15);
  CHECK(csv.find("'=1+2") != std::string::npos);
  CHECK(csv.find(",unknown_reference,") != std::string::npos);
  CHECK(csv.find(",submitted,paid,") != std::string::npos);
  const CommandResult shown = run_disburse(
      database,
      {"reconcile", "show", std::to_string(second["reconciliation_id"].get<std::int64_t>())});
  REQUIRE(shown.exit_code == 0);
  CHECK(json::parse(shown.out)["already_applied"] == 7);
}

TEST_CASE("later and out-of-order PayPal files apply what is new and report contradictions") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {5, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  reconcile_file(database, batch_id,
                 paypal_results({line(p[0], "SUCCESS"), line(p[1], "UNCLAIMED"),
                                 line(p[2], "RETURNED"), line(p[3], "FAILED")}));
  // An older UNCLAIMED after SUCCESS changes nothing; a late SUCCESS of the unclaimed item pays
  // it; a second line for one reference is a duplicate; unclaimed after failed and paid after
  // returned contradict.
  const json later = reconcile_file(
      database, batch_id,
      paypal_results({line(p[0], "UNCLAIMED", "2024-04-19T10:00:00Z"),
                      line(p[1], "SUCCESS", "2024-04-25T10:00:00Z"),
                      line(p[0], "RETURNED", "2024-04-26T10:00:00Z"),
                      line(p[3], "UNCLAIMED", "2024-04-26T10:00:00Z"),
                      line(p[2], "SUCCESS", "2024-04-26T10:00:00Z"), line(p[4], "SUCCESS")}));
  // p[0] appears twice: the second line is a duplicate within the file.
  check_counts(later, 2, 0, 0, 0, 1, 2);
  CHECK(later["unchanged"] == 1);
  CHECK(state_of(database, p[0].id) == "paid");
  CHECK(state_of(database, p[1].id) == "paid");
  CHECK(state_of(database, p[2].id) == "returned");
  CHECK(state_of(database, p[3].id) == "failed");
  CHECK(state_of(database, p[4].id) == "paid");
  // Every payment of the batch is settled now: the batch is reconciled.
  CHECK(database.scalar("SELECT state FROM batches WHERE id = " + std::to_string(batch_id)) ==
        "reconciled");
  check_books_green(database, fixture.program_id);
}

TEST_CASE(
    "NACHA returns of every code class are applied and a notification of change corrects the bank "
    "data") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {0, 0, 6, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "ach");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  REQUIRE(p.size() == 6);
  for (const auto& payment : p) REQUIRE(payment.trace_number != "-");
  const std::string account_before = database.scalar(
      "SELECT c.bank_account_sealed FROM claimants c JOIN payments p ON p.claimant_id = c.id "
      "WHERE p.id = " +
      std::to_string(p[5].id));
  // R03 account data, R10 payee, R17 entry error, R61 administrative: all returns. The last one
  // matches by individual id only (the bank lost our trace).
  const std::string returns =
      nacha_returns({{p[0].reference, p[0].trace_number, "R03", p[0].amount_cents},
                     {p[1].reference, p[1].trace_number, "R10", p[1].amount_cents},
                     {p[2].reference, p[2].trace_number, "R17", p[2].amount_cents},
                     {p[3].reference, "000000000000000", "R61", p[3].amount_cents},
                     {"D9-1-ZZZZ-1", "099999999999999", "R01", 1234},
                     {p[4].reference, p[4].trace_number, "R01", p[4].amount_cents + 5}},
                    {{p[5].reference, p[5].trace_number, "C01", "987654321"}});
  const json first = reconcile_file(database, batch_id, returns);
  CHECK(first["kind"] == "nacha_returns");
  check_counts(first, 4, 0, 1, 1, 0, 0);
  CHECK(first["changes_applied"] == 1);
  for (std::size_t index = 0; index < 4; index++)
    CHECK(state_of(database, p[index].id) == "returned");
  CHECK(state_of(database, p[4].id) == "submitted");
  CHECK(database.scalar("SELECT c.bank_account_sealed FROM claimants c JOIN payments p ON "
                        "p.claimant_id = c.id WHERE p.id = " +
                        std::to_string(p[5].id)) != account_before);
  check_books_green(database, fixture.program_id);
  // The same file again changes nothing, the NOC included.
  const json again = reconcile_file(database, batch_id, returns);
  check_counts(again, 0, 5, 1, 1, 0, 0);
  CHECK(again["changes_applied"] == 0);
  // A return that arrives in a later file is applied like any other.
  const json late = reconcile_file(
      database, batch_id,
      nacha_returns({{p[5].reference, p[5].trace_number, "R02", p[5].amount_cents}}, {}));
  check_counts(late, 1, 0, 0, 0, 0, 0);
  CHECK(state_of(database, p[5].id) == "returned");
  check_books_green(database, fixture.program_id);
}

TEST_CASE("a paid-checks file pays, stops and voids checks, and a check cashed twice is reported") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {0, 5, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "check");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  REQUIRE(p.size() == 5);
  const auto check_line = [&](const SubmittedPayment& payment, const std::string& status,
                              const std::string& date = "2024-05-01", std::int64_t extra = 0) {
    return payment.check_number + "," + dollars(payment.amount_cents + extra) + "," + date + "," +
           status + "\n";
  };
  const std::string first_file =
      "check_number,amount,paid_date,status\n" + check_line(p[0], "PAID") +
      check_line(p[1], "STOPPED") + check_line(p[2], "VOIDED") +
      check_line(p[3], "PAID", "2024-05-01", 100) + "9999999,10.00,2024-05-01,PAID\n";
  const json first = reconcile_file(database, batch_id, first_file);
  CHECK(first["kind"] == "paid_checks");
  check_counts(first, 3, 0, 1, 1, 0, 0);
  CHECK(state_of(database, p[0].id) == "paid");
  CHECK(state_of(database, p[1].id) == "voided");
  CHECK(state_of(database, p[2].id) == "voided");
  CHECK(state_of(database, p[3].id) == "submitted");
  check_books_green(database, fixture.program_id);
  // Cashed again on another day, and a voided check cashed: contradictions, never applied.
  const json second = reconcile_file(
      database, batch_id,
      "check_number,amount,paid_date,status\n" + check_line(p[0], "PAID", "2024-05-09") +
          check_line(p[1], "PAID", "2024-05-09") + check_line(p[4], "PAID"));
  check_counts(second, 1, 0, 0, 0, 0, 2);
  CHECK(state_of(database, p[0].id) == "paid");
  CHECK(state_of(database, p[1].id) == "voided");
  CHECK(state_of(database, p[4].id) == "paid");
  check_books_green(database, fixture.program_id);
}

TEST_CASE("a results file that cannot be read, or a batch without a file, changes nothing") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3, 0, 2, 0});
  const std::int64_t paypal = submitted_batch(database, fixture.program_id, "paypal");
  const std::int64_t ach = submitted_batch(database, fixture.program_id, "ach");
  const auto refused = [&](std::int64_t batch_id, const std::string& content) {
    const std::string path = write_scratch_file("bad", content);
    const CommandResult result =
        as_user(database, "clerk", {"reconcile", "--batch", std::to_string(batch_id), path});
    std::filesystem::remove(path);
    return result;
  };
  CHECK(refused(paypal, "").exit_code == 2);
  CHECK(refused(paypal, "sender_item_id,amount\nX,1.00\n").err.find("missing a column") !=
        std::string::npos);
  CHECK(refused(ach, "not a nacha file\n").exit_code == 2);
  CHECK(refused(999, "x").exit_code == 3);
  // The clerk may reconcile; an auditor may not.
  add_user(database, "reader", "auditor");
  const std::string path = write_scratch_file("fine", paypal_results({}));
  CHECK(as_user(database, "reader", {"reconcile", "--batch", std::to_string(paypal), path})
            .exit_code == 5);
  std::filesystem::remove(path);
  CHECK(database.scalar("SELECT count(*) FROM reconciliations") == "0");
  // A draft batch has no results yet.
  const PayoutFixture other = seed_payouts(database, {2, 0, 0, 0, "Other fund"});
  const CommandResult draft = as_user(
      database, "maker",
      {"batch", "create", "--program", std::to_string(other.program_id), "--method", "paypal"});
  REQUIRE(draft.exit_code == 0);
  CHECK(refused(json::parse(draft.out)["batch_id"], paypal_results({{"X", "SUCCESS", "1.00"}}))
            .exit_code == 4);
  check_books_green(database, fixture.program_id);
}

TEST_CASE("killing reconciliation mid-file and running it again applies exactly the rest") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3000, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  std::vector<PaypalResult> rows;
  for (const auto& payment : p) rows.push_back(line(payment, "SUCCESS"));
  const std::string path = write_scratch_file("kill.csv", paypal_results(rows));
  const std::vector<std::string> arguments = {"reconcile", "--batch", std::to_string(batch_id),
                                              path,        "--as",    "clerk"};
  for (int delay_ms : {150, 400}) {
    const pid_t pid = spawn_disburse(database, arguments, password_environment("clerk"));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    wait_for(pid);
    check_books_green(database, fixture.program_id);
  }
  const CommandResult rest = run_disburse(database, arguments, "", password_environment("clerk"));
  REQUIRE_MESSAGE(rest.exit_code == 0, rest.err);
  const json report = json::parse(rest.out);
  // Whatever an earlier run committed shows as already applied; together they are every line.
  CHECK(report["applied"].get<std::int64_t>() + report["already_applied"].get<std::int64_t>() ==
        3000);
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE state = 'paid'") == "3000");
  CHECK(database.scalar("SELECT count(*) FROM payment_events WHERE to_state = 'paid'") == "3000");
  std::filesystem::remove(path);
  check_books_green(database, fixture.program_id);
}

TEST_CASE("the API takes a results file once per Idempotency-Key and serves the report as CSV") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {4, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  const std::string body = paypal_results({line(p[0], "SUCCESS"), line(p[1], "UNCLAIMED")});
  ServerProcess server(database);
  const std::string token = token_for(database, "clerk");
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const std::string path = "/api/v1/batches/" + std::to_string(batch_id) + "/results";
  const auto headers = [&](const std::string& key) { return bearer(token, key); };
  CHECK(client.Post(path, headers(""), body, "text/csv")->status == 400);
  const auto first = client.Post(path, headers("r-1"), body, "text/csv");
  REQUIRE(first->status == 201);
  CHECK(json::parse(first->body)["applied"] == 2);
  const auto replay = client.Post(path, headers("r-1"), body, "text/csv");
  CHECK(replay->status == 201);
  CHECK(replay->get_header_value("Idempotent-Replayed") == "true");
  CHECK(replay->body == first->body);
  const auto again = client.Post(path, headers("r-2"), body, "text/csv");
  REQUIRE(again->status == 201);
  CHECK(json::parse(again->body)["applied"] == 0);
  CHECK(json::parse(again->body)["already_applied"] == 2);
  const std::string id =
      std::to_string(json::parse(first->body)["reconciliation_id"].get<std::int64_t>());
  const auto shown = client.Get("/api/v1/reconciliations/" + id, headers(""));
  REQUIRE(shown->status == 200);
  CHECK(json::parse(shown->body)["applied"] == 2);
  const auto csv = client.Get("/api/v1/reconciliations/" + id + "/report.csv", headers(""));
  REQUIRE(csv->status == 200);
  CHECK(csv->body.starts_with("line_number,"));
  CHECK(std::count(csv->body.begin(), csv->body.end(), '\n') == 3);
  CHECK(client.Get("/api/v1/reconciliations/999/report.csv", headers(""))->status == 404);
  check_books_green(database, fixture.program_id);
}
