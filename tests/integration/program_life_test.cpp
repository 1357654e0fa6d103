// Issue 6, "done when": one program's whole life through the command line, with `disburse check`
// green after every step.

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "reconcile_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

json succeeded(const CommandResult& result) {
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

// A batch of every allocated payment of the method, or 0 when there is none.
std::int64_t batch_if_any(TestDatabase& database, std::int64_t program_id,
                          const std::string& method) {
  const std::string ready =
      database.scalar("SELECT count(*) FROM payments WHERE state = 'allocated' AND method = '" +
                      method + "' AND program_id = " + std::to_string(program_id));
  return ready == "0" ? 0 : submitted_batch(database, program_id, method);
}

// PayPal SUCCESS or a cashed check for every payment of the batch from `first` on.
void pay(TestDatabase& database, std::int64_t batch_id, const std::string& method,
         std::size_t first = 0) {
  const std::vector<SubmittedPayment> payments = batch_payments(database, batch_id);
  std::vector<PaypalResult> paypal;
  std::string checks = "check_number,amount,paid_date,status\n";
  for (std::size_t index = first; index < payments.size(); index++) {
    const SubmittedPayment& payment = payments[index];
    paypal.push_back({payment.reference, "SUCCESS", dollars(payment.amount_cents)});
    checks += payment.check_number + "," + dollars(payment.amount_cents) + ",2024-05-01,PAID\n";
  }
  const json report =
      reconcile_file(database, batch_id, method == "paypal" ? paypal_results(paypal) : checks);
  CHECK(report["applied"] == static_cast<std::int64_t>(payments.size() - first));
}

std::string after_days(TestDatabase& database, int days) {
  return database.scalar(
      "SELECT to_char((max(submitted_at) + interval '" + std::to_string(days) +
      " days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM batches");
}

std::int64_t rows_containing(TestDatabase& database, const std::string& needle) {
  const std::string tables = database.scalar(
      "SELECT string_agg(quote_ident(table_name), ' ') FROM information_schema.tables "
      "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  std::istringstream list(tables);
  std::int64_t found = 0;
  for (std::string table; list >> table;) {
    found += std::stoll(database.scalar("SELECT count(*) FROM " + table +
                                        " t WHERE t::text LIKE '%" + needle + "%'"));
  }
  return found;
}

}  // namespace

TEST_CASE(
    "a program lives its whole life, from import to purge, with the books green after every step") {
  TestDatabase database;
  add_reconcile_team(database);
  add_user(database, "boss", "admin");
  const std::int64_t program = succeeded(
      run_disburse(database, {"program", "create", "--name", "Life", "--fund", "100000.00",
                              "--reserve", "5000.00", "--min-payment", "10.00"}))["id"];
  const std::string id = std::to_string(program);
  const std::string list = write_scratch_file("life.csv", "");
  succeeded(
      run_disburse(database, {"sample-list", "--customers", "300", "--seed", "7", "--out", list}));
  succeeded(as_user(database, "boss", {"import", "--program", id, list}));
  std::filesystem::remove(list);
  check_books_green(database, program);
  const json run = succeeded(as_user(database, "maker", {"allocate", "--program", id}));
  succeeded(as_user(database, "checker",
                    {"allocation", "approve", std::to_string(run["run_id"].get<std::int64_t>())}));
  check_books_green(database, program);

  // Round 1: half the PayPal payees accept, every check but one is cashed, every ACH comes back.
  const std::int64_t paypal = batch_if_any(database, program, "paypal");
  const std::int64_t checks = batch_if_any(database, program, "check");
  const std::int64_t ach = batch_if_any(database, program, "ach");
  REQUIRE(paypal != 0);
  REQUIRE(checks != 0);
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE state = 'allocated'") == "0");
  check_books_green(database, program);
  pay(database, paypal, "paypal", batch_payments(database, paypal).size() / 2);
  pay(database, checks, "check", 1);
  if (ach != 0) {
    std::vector<AchReturn> returns;
    for (const auto& payment : batch_payments(database, ach)) {
      returns.push_back({payment.reference, payment.trace_number, "R03", payment.amount_cents});
    }
    CHECK(reconcile_file(database, ach, nacha_returns(returns, {}))["applied"] ==
          static_cast<std::int64_t>(returns.size()));
  }
  check_books_green(database, program);
  // Expiry: the unclaimed PayPal payments and the uncashed check.
  const json expired = succeeded(
      as_user(database, "clerk", {"expire", "--program", id, "--now", after_days(database, 91)}));
  CHECK(expired["expired"].get<std::int64_t>() > 1);
  check_books_green(database, program);
  // Reissue: the uncashed check goes out again and is cashed.
  const std::int64_t uncashed = batch_payments(database, checks)[0].id;
  succeeded(as_user(database, "clerk",
                    {"payment", "reissue", std::to_string(uncashed), "--method", "check"}));
  const std::int64_t reissued = submitted_batch(database, program, "check");
  pay(database, reissued, "check");
  check_books_green(database, program);

  // Round 2: the pool goes to the redeemers and is paid like round 1.
  const json second =
      succeeded(as_user(database, "maker", {"allocate", "--program", id, "--round", "2"}));
  succeeded(
      as_user(database, "checker",
              {"allocation", "approve", std::to_string(second["run_id"].get<std::int64_t>())}));
  check_books_green(database, program);
  for (const std::string method : {"paypal", "check"}) {
    if (const std::int64_t batch = batch_if_any(database, program, method))
      pay(database, batch, method);
  }
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE round = 2 AND state <> 'paid'") ==
        "0");
  check_books_green(database, program);
  for (const std::string kind :
       {"payments", "ledger", "rollforward", "regulator", "discrepancies"}) {
    const std::string out = write_scratch_file("life-" + kind, "");
    succeeded(
        as_user(database, "clerk", {"export", "--program", id, "--kind", kind, "--out", out}));
    std::filesystem::remove(out);
  }

  // Close and purge.
  const json closed = succeeded(as_user(database, "boss", {"program", "close", id}));
  CHECK(closed["residual_to_treasury_cents"].get<std::int64_t>() >= 0);
  check_books_green(database, program);
  const std::string email =
      database.scalar("SELECT email FROM claimants WHERE email IS NOT NULL ORDER BY id LIMIT 1");
  REQUIRE(!email.empty());
  succeeded(as_user(database, "boss", {"purge", "--program", id}));
  CHECK(rows_containing(database, email) == 0);
  check_books_green(database, program);
  CHECK(run_disburse(database, {"audit", "verify"}).exit_code == 0);
}
