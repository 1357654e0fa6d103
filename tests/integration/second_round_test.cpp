// Issue 6: a second distribution of the returned pool to the first round's redeemers.

#include <doctest/doctest.h>

#include "reconcile_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

CommandResult allocate_round_two(TestDatabase& database, std::int64_t program_id) {
  return as_user(database, "maker",
                 {"allocate", "--program", std::to_string(program_id), "--round", "2"});
}

std::string balance(TestDatabase& database, std::int64_t program_id, const std::string& account) {
  return database.scalar(
      "SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_entries e ON "
      "e.id = p.entry_id WHERE p.account = '" +
      account + "' AND e.program_id = " + std::to_string(program_id));
}

}  // namespace

TEST_CASE(
    "a second round is refused with its reason when the pool is empty or a share would fall below "
    "the minimum") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {20, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const CommandResult empty = allocate_round_two(database, fixture.program_id);
  CHECK(empty.exit_code == 4);
  CHECK(empty.err.find("empty_pool") != std::string::npos);
  // Nineteen redeemers share at most $150.00: below the $10.00 minimum.
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  std::vector<PaypalResult> rows;
  for (std::size_t index = 0; index < p.size(); index++) {
    rows.push_back({p[index].reference, index + 1 < p.size() ? "SUCCESS" : "RETURNED",
                    dollars(p[index].amount_cents)});
  }
  reconcile_file(database, batch_id, paypal_results(rows));
  const CommandResult small = allocate_round_two(database, fixture.program_id);
  CHECK(small.exit_code == 4);
  CHECK(small.err.find("not_feasible_below_minimum") != std::string::npos);
  CHECK(small.err.find("19 redeemers") != std::string::npos);
  CHECK(database.scalar("SELECT count(*) FROM allocation_runs WHERE round = 2") == "0");
  check_books_green(database, fixture.program_id);
}

TEST_CASE(
    "a second round divides the returned pool among the redeemers and pays them through the same "
    "flow") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {10, 0, 0, 0});
  const std::int64_t program = fixture.program_id;
  const std::int64_t batch_id = submitted_batch(database, program, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  reconcile_file(database, batch_id,
                 paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)},
                                 {p[1].reference, "SUCCESS", dollars(p[1].amount_cents)},
                                 {p[2].reference, "RETURNED", dollars(p[2].amount_cents)}}));
  const std::string now = database.scalar(
      "SELECT to_char((submitted_at + interval '31 days') AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM batches WHERE id = " +
      std::to_string(batch_id));
  REQUIRE(as_user(database, "clerk", {"expire", "--program", std::to_string(program), "--now", now})
              .exit_code == 0);
  const std::string pool = balance(database, program, "returned_pool");
  const CommandResult created = allocate_round_two(database, program);
  REQUIRE_MESSAGE(created.exit_code == 0, created.err);
  const json run = json::parse(created.out);
  CHECK(run["round"] == 2);
  CHECK(std::to_string(run["distributable_cents"].get<std::int64_t>()) == pool);
  CHECK(std::to_string(run["allocated_cents"].get<std::int64_t>()) == pool);
  CHECK(run["claimants_paid"] == 2);
  CHECK(run["claimants_dropped"] == 0);
  // Maker-checker holds for later rounds too.
  const std::string run_id = std::to_string(run["run_id"].get<std::int64_t>());
  CHECK(as_user(database, "maker", {"allocation", "approve", run_id}).exit_code == 5);
  const CommandResult approved = as_user(database, "checker", {"allocation", "approve", run_id});
  REQUIRE_MESSAGE(approved.exit_code == 0, approved.err);
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE round = 2 AND state = 'allocated'") ==
        "2");
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE round = 1 AND state = 'pooled'") ==
        "8");
  CHECK(balance(database, program, "returned_pool") == "0");
  CHECK(database.scalar("SELECT status FROM programs WHERE id = " + std::to_string(program)) ==
        "distributing");
  check_books_green(database, program);
  // Pooled attempts are final; the round's payments go out in a batch like the first round's.
  CHECK(as_user(database, "clerk",
                {"payment", "reissue", std::to_string(p[5].id), "--method", "check"})
            .exit_code == 4);
  const std::int64_t second = submitted_batch(database, program, "paypal");
  const std::vector<SubmittedPayment> q = batch_payments(database, second);
  REQUIRE(q.size() == 2);
  reconcile_file(database, second,
                 paypal_results({{q[0].reference, "SUCCESS", dollars(q[0].amount_cents)},
                                 {q[1].reference, "SUCCESS", dollars(q[1].amount_cents)}}));
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE round = 2 AND state = 'paid'") == "2");
  // A third round has no pool left.
  const CommandResult third = as_user(
      database, "maker", {"allocate", "--program", std::to_string(program), "--round", "3"});
  CHECK(third.exit_code == 4);
  check_books_green(database, program);
}
