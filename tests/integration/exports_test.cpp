// Issue 6: finance exports tie out with the ledger and neutralise formulas.

#include <doctest/doctest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "reconcile_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

// RFC 4180 fields of one line (no line breaks inside fields in these exports).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t index = 0; index < line.size(); index++) {
    const char character = line[index];
    if (quoted && character == '"' && index + 1 < line.size() && line[index + 1] == '"') {
      fields.back() += '"';
      index++;
    } else if (character == '"') {
      quoted = !quoted;
    } else if (character == ',' && !quoted) {
      fields.emplace_back();
    } else if (character != '\r') {
      fields.back() += character;
    }
  }
  return fields;
}

// The export as rows of named fields.
std::vector<std::map<std::string, std::string>> export_rows(TestDatabase& database,
                                                            std::int64_t program_id,
                                                            const std::string& kind) {
  const std::string path = write_scratch_file("export-" + kind + ".csv", "");
  const CommandResult result =
      as_user(database, "clerk",
              {"export", "--program", std::to_string(program_id), "--kind", kind, "--out", path});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  std::ifstream input(path);
  std::string line;
  std::getline(input, line);
  const std::vector<std::string> columns = fields_of(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(input, line)) {
    const std::vector<std::string> fields = fields_of(line);
    REQUIRE(fields.size() == columns.size());
    std::map<std::string, std::string> row;
    for (std::size_t index = 0; index < columns.size(); index++)
      row[columns[index]] = fields[index];
    rows.push_back(row);
  }
  std::filesystem::remove(path);
  CHECK(json::parse(result.out)["rows"] == static_cast<std::int64_t>(rows.size()));
  return rows;
}

std::int64_t balance(TestDatabase& database, std::int64_t program_id, const std::string& account) {
  return std::stoll(database.scalar(
      "SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_entries e ON "
      "e.id = p.entry_id WHERE p.account = '" +
      account + "' AND e.program_id = " + std::to_string(program_id)));
}

}  // namespace

TEST_CASE("every export's totals equal the ledger's, and outside text cannot run as a formula") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {6, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  reconcile_file(database, batch_id,
                 paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)},
                                 {p[1].reference, "SUCCESS", dollars(p[1].amount_cents)},
                                 {p[2].reference, "RETURNED", dollars(p[2].amount_cents)},
                                 {p[3].reference, "UNCLAIMED", dollars(p[3].amount_cents)},
                                 {"=1+2", "SUCCESS", "1.00"},
                                 {p[4].reference, "SUCCESS", "1.00"}}));
  REQUIRE(as_user(database, "clerk",
                  {"payment", "reissue", std::to_string(p[2].id), "--method", "check"})
              .exit_code == 0);
  check_books_green(database, fixture.program_id);
  const std::int64_t program = fixture.program_id;

  std::map<std::string, std::int64_t> by_state;
  const auto payments = export_rows(database, program, "payments");
  CHECK(payments.size() == 7);
  for (const auto& row : payments) by_state[row.at("state")] += std::stoll(row.at("amount_cents"));
  CHECK(by_state["paid"] == balance(database, program, "paid_out"));
  CHECK(by_state["submitted"] + by_state["unclaimed"] == balance(database, program, "in_flight"));
  CHECK(by_state["allocated"] + by_state["batched"] == balance(database, program, "allocated"));
  // The fixture writes its payments without a creation event, so history starts at the batch.
  CHECK(payments[0].at("history").starts_with("batched "));
  CHECK(payments[0].at("history").find("; submitted ") != std::string::npos);
  CHECK(payments[0].at("history").find("; paid ") != std::string::npos);
  CHECK(payments[0].at("paid_at") != "");

  std::map<std::string, std::int64_t> by_account;
  std::int64_t sum = 0;
  for (const auto& row : export_rows(database, program, "ledger")) {
    by_account[row.at("account")] += std::stoll(row.at("amount_cents"));
    sum += std::stoll(row.at("amount_cents"));
  }
  CHECK(sum == 0);
  for (const char* account :
       {"settlement_deposit", "unallocated_fund", "admin_reserve", "allocated", "in_flight",
        "paid_out", "returned_pool", "residual_treasury"}) {
    CHECK(by_account[account] == balance(database, program, account));
  }

  std::map<std::string, std::int64_t> roll;
  for (const auto& row : export_rows(database, program, "rollforward"))
    roll[row.at("key")] = std::stoll(row.at("amount_cents"));
  CHECK(roll["fund"] == 580000000);
  CHECK(roll["total"] == roll["fund"]);
  CHECK(roll["difference"] == 0);
  CHECK(roll["paid_out"] == balance(database, program, "paid_out"));

  std::int64_t paid = 0;
  std::int64_t redeemers = 0;
  std::int64_t cost = 0;
  for (const auto& row : export_rows(database, program, "regulator")) {
    paid += std::stoll(row.at("amount_paid_cents"));
    redeemers += std::stoll(row.at("redeemers"));
    cost += std::stoll(row.at("administration_cost_share_cents"));
  }
  CHECK(paid == balance(database, program, "paid_out"));
  CHECK(redeemers == 2);
  CHECK(cost == 20000000);

  const auto discrepancies = export_rows(database, program, "discrepancies");
  REQUIRE(discrepancies.size() == 2);
  CHECK(discrepancies[0].at("reference") == "'=1+2");
  CHECK(discrepancies[0].at("outcome") == "unknown_reference");
  CHECK(discrepancies[1].at("outcome") == "amount_mismatch");

  const CommandResult unknown = as_user(database, "clerk",
                                        {"export", "--program", std::to_string(program), "--kind",
                                         "secrets", "--out", "/tmp/never.csv"});
  CHECK(unknown.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists("/tmp/never.csv"));

  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const httplib::Headers headers = {{"Authorization", "Bearer " + token_for(database, "clerk")}};
  const std::string base = "/api/v1/programs/" + std::to_string(program) + "/exports/";
  const auto ledger = client.Get(base + "ledger.csv", headers);
  REQUIRE(ledger->status == 200);
  CHECK(ledger->body.starts_with("entry_id,created_at,kind,account"));
  CHECK(client.Get(base + "secrets.csv", headers)->status == 404);
  CHECK(client.Get("/api/v1/programs/999/exports/ledger.csv", headers)->status == 404);
}
