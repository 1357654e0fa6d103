// Issue 6: expiry with an injected clock and by the periodic job, and reissue.

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "disburse/app/expiry.hpp"
#include "disburse/jobs/expiry_jobs.hpp"
#include "disburse/jobs/job_runner.hpp"
#include "reconcile_support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

// The instant `days` after the batch's submission, as --now takes it.
std::string days_after_submission(TestDatabase& database, std::int64_t batch_id, int days) {
  return database.scalar(
      "SELECT to_char((submitted_at + interval '" + std::to_string(days) +
      " days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM batches "
      "WHERE id = " +
      std::to_string(batch_id));
}

json expire(TestDatabase& database, std::int64_t program_id, const std::string& now) {
  const CommandResult result =
      as_user(database, "clerk", {"expire", "--program", std::to_string(program_id), "--now", now});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return json::parse(result.out);
}

std::string returned_pool(TestDatabase& database, std::int64_t program_id) {
  return database.scalar(
      "SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_entries e ON "
      "e.id = p.entry_id WHERE p.account = 'returned_pool' AND e.program_id = " +
      std::to_string(program_id));
}

std::int64_t live_per_claimant_max(TestDatabase& database, std::int64_t program_id) {
  return std::stoll(database.scalar(
      "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM payments WHERE program_id = " +
      std::to_string(program_id) +
      " AND state IN ('allocated', 'batched', 'submitted', 'unclaimed', 'paid') "
      "GROUP BY claimant_id, round) live"));
}

json reissue(TestDatabase& database, std::int64_t payment_id, const std::string& method,
             int expected_exit = 0) {
  const CommandResult result = as_user(
      database, "clerk", {"payment", "reissue", std::to_string(payment_id), "--method", method});
  REQUIRE_MESSAGE(result.exit_code == expected_exit, result.err);
  return expected_exit == 0 ? json::parse(result.out) : json();
}

}  // namespace

TEST_CASE("expiry with an advanced clock expires PayPal after 30 days and checks after 90, once") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {4, 3, 0, 0});
  const std::int64_t paypal = submitted_batch(database, fixture.program_id, "paypal");
  const std::int64_t checks = submitted_batch(database, fixture.program_id, "check");
  const std::vector<SubmittedPayment> p = batch_payments(database, paypal);
  const std::vector<SubmittedPayment> c = batch_payments(database, checks);
  reconcile_file(database, paypal,
                 paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)},
                                 {p[1].reference, "UNCLAIMED", dollars(p[1].amount_cents)}}));
  CHECK(expire(database, fixture.program_id,
               days_after_submission(database, paypal, 30))["expired"] == 0);
  const json month =
      expire(database, fixture.program_id, days_after_submission(database, paypal, 31));
  CHECK(month["expired"] == 3);
  CHECK(month["expired_paypal"] == 3);
  CHECK(month["expired_check"] == 0);
  CHECK(month["expired_cents"] == p[1].amount_cents + p[2].amount_cents + p[3].amount_cents);
  CHECK(state_of(database, p[0].id) == "paid");
  for (std::size_t index = 1; index < 4; index++)
    CHECK(state_of(database, p[index].id) == "expired");
  for (const auto& check : c) CHECK(state_of(database, check.id) == "submitted");
  CHECK(returned_pool(database, fixture.program_id) ==
        std::to_string(month["expired_cents"].get<std::int64_t>()));
  check_books_green(database, fixture.program_id);
  const json quarter =
      expire(database, fixture.program_id, days_after_submission(database, checks, 91));
  CHECK(quarter["expired"] == 3);
  CHECK(quarter["expired_check"] == 3);
  // Running it again at the same instant changes nothing.
  CHECK(expire(database, fixture.program_id,
               days_after_submission(database, checks, 91))["expired"] == 0);
  check_books_green(database, fixture.program_id);
  // A PayPal SUCCESS for an item we expired is a contradiction, a RETURNED agrees with it.
  const json late = reconcile_file(
      database, paypal,
      paypal_results(
          {{p[2].reference, "SUCCESS", dollars(p[2].amount_cents), "USD", "2024-06-01T00:00:00Z"},
           {p[3].reference, "RETURNED", dollars(p[3].amount_cents), "USD",
            "2024-06-01T00:00:00Z"}}));
  CHECK(late["contradicting"] == 1);
  CHECK(late["unchanged"] == 1);
  CHECK(as_user(database, "clerk",
                {"expire", "--program", std::to_string(fixture.program_id), "--now", "yesterday"})
            .exit_code == 2);
  check_books_green(database, fixture.program_id);
}

TEST_CASE("the expiry job uses the real clock and queues one run however often it is scheduled") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  // Two payments were submitted 40 days ago as far as the job's real clock can tell.
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  database.execute("UPDATE payments SET submitted_at = now() - interval '40 days' WHERE id IN (" +
                   std::to_string(p[0].id) + ", " + std::to_string(p[1].id) + ")");
  jobs::JobRunner runner(database.database(), app::JobSettings{}, "test-worker");
  jobs::add_expiry_jobs(runner, database.database());
  jobs::schedule_expiry_job(database.database());
  jobs::schedule_expiry_job(database.database());
  CHECK(database.scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'payments.expire' AND state = 'queued'") ==
        "1");
  REQUIRE(runner.run_one());
  CHECK(state_of(database, p[0].id) == "expired");
  CHECK(state_of(database, p[1].id) == "expired");
  CHECK(state_of(database, p[2].id) == "submitted");
  CHECK(database.scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'payments.expire' AND state = 'succeeded'") ==
        "1");
  // Nothing else is queued until the next tick; a tick then queues one run again.
  CHECK_FALSE(runner.run_one());
  jobs::schedule_expiry_job(database.database());
  REQUIRE(runner.run_one());
  CHECK(database.scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'payments.expire' AND state = 'succeeded'") ==
        "2");
  CHECK(database.scalar("SELECT count(*) FROM payment_events WHERE to_state = 'expired'") == "2");
  check_books_green(database, fixture.program_id);
}

TEST_CASE("the server's expiry timer ticks into a durable job and the server stops cleanly") {
  TestDatabase database;
  // A fresh server queues nothing: the first tick comes one interval after the start.
  jobs::ExpiryScheduler scheduler(database.database(), 1);
  scheduler.start();
  for (int attempt = 0; attempt < 50; attempt++) {
    if (database.scalar("SELECT count(*) FROM jobs WHERE kind = 'payments.expire'") == "1") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  scheduler.stop();
  // However many ticks came, one run is queued, not one per tick.
  CHECK(database.scalar("SELECT count(*) FROM jobs WHERE kind = 'payments.expire' AND state = "
                        "'queued'") == "1");
}

TEST_CASE(
    "an ACH credit without a return in 60 days is taken as paid, and a later return still "
    "applies") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {0, 0, 3, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "ach");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  reconcile_file(
      database, batch_id,
      nacha_returns({{p[0].reference, p[0].trace_number, "R03", p[0].amount_cents}}, {}));
  CHECK(expire(database, fixture.program_id,
               days_after_submission(database, batch_id, 60))["settled_ach"] == 0);
  const json settled =
      expire(database, fixture.program_id, days_after_submission(database, batch_id, 61));
  CHECK(settled["settled_ach"] == 2);
  CHECK(settled["expired"] == 0);
  CHECK(settled["settled_ach_cents"] == p[1].amount_cents + p[2].amount_cents);
  CHECK(state_of(database, p[0].id) == "returned");
  CHECK(state_of(database, p[1].id) == "paid");
  CHECK(state_of(database, p[2].id) == "paid");
  check_books_green(database, fixture.program_id);
  // An unauthorised-debit style late return (R10) of a settled credit is legal for ACH.
  const json late = reconcile_file(
      database, batch_id,
      nacha_returns({{p[2].reference, p[2].trace_number, "R10", p[2].amount_cents}}, {}));
  CHECK(late["applied"] == 1);
  CHECK(state_of(database, p[2].id) == "returned");
  check_books_green(database, fixture.program_id);
}

TEST_CASE(
    "a reissue ends the old attempt and creates attempt N+1 for the same amount, never two live "
    "payments") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3, 2, 0, 0});
  const std::int64_t paypal = submitted_batch(database, fixture.program_id, "paypal");
  const std::int64_t checks = submitted_batch(database, fixture.program_id, "check");
  const std::vector<SubmittedPayment> p = batch_payments(database, paypal);
  const std::vector<SubmittedPayment> c = batch_payments(database, checks);
  reconcile_file(database, paypal,
                 paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)},
                                 {p[1].reference, "RETURNED", dollars(p[1].amount_cents)}}));
  expire(database, fixture.program_id, days_after_submission(database, paypal, 31));
  CHECK(state_of(database, p[2].id) == "expired");
  // An expired PayPal payment becomes a check.
  const json expired = reissue(database, p[2].id, "check");
  CHECK(expired["attempt"] == 2);
  CHECK(expired["voided"] == false);
  CHECK(expired["amount_cents"] == p[2].amount_cents);
  CHECK(expired["reference"] != p[2].reference);
  CHECK(state_of(database, p[2].id) == "reissued");
  CHECK(state_of(database, expired["payment_id"]) == "allocated");
  CHECK(database.scalar("SELECT method || ' ' || previous_payment_id FROM payments WHERE id = " +
                        std::to_string(expired["payment_id"].get<std::int64_t>())) ==
        "check " + std::to_string(p[2].id));
  check_books_green(database, fixture.program_id);
  // A returned one, and a check still in flight (voided first).
  reissue(database, p[1].id, "paypal");
  const json lost = reissue(database, c[0].id, "check");
  CHECK(lost["voided"] == true);
  CHECK(lost["previous_state"] == "submitted");
  check_books_green(database, fixture.program_id);
  // Paid, already reissued and unknown payments are refused.
  reissue(database, p[0].id, "check", 4);
  reissue(database, p[2].id, "check", 4);
  reissue(database, 999999, "check", 3);
  reissue(database, c[1].id, "cash", 2);
  CHECK(live_per_claimant_max(database, fixture.program_id) == 1);
  // The reissued checks go out in the next batch like any payment, and get paid.
  const std::int64_t next = submitted_batch(database, fixture.program_id, "check");
  const std::vector<SubmittedPayment> reissued = batch_payments(database, next);
  REQUIRE(reissued.size() == 2);
  std::string file = "check_number,amount,paid_date,status\n";
  for (const auto& payment : reissued) {
    file += payment.check_number + "," + dollars(payment.amount_cents) + ",2024-08-01,PAID\n";
  }
  CHECK(reconcile_file(database, next, file)["applied"] == 2);
  CHECK(live_per_claimant_max(database, fixture.program_id) == 1);
  check_books_green(database, fixture.program_id);
}

TEST_CASE(
    "a reissue as a check corrects the mailing address in the same transaction, and the audit "
    "never holds the address") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3, 0, 0, 0});
  const std::int64_t paypal = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, paypal);
  expire(database, fixture.program_id, days_after_submission(database, paypal, 31));
  const auto address_of = [&](std::int64_t payment_id) {
    return database.scalar(
        "SELECT concat_ws('|', c.address1, coalesce(c.address2, ''), c.city, c.state, "
        "c.postal_code) FROM claimants c JOIN payments p ON p.claimant_id = c.id WHERE p.id = " +
        std::to_string(payment_id));
  };
  const auto reissue_to = [&](std::int64_t payment_id, const std::string& method,
                              const std::string& state) {
    return as_user(database, "clerk",
                   {"payment", "reissue", std::to_string(payment_id), "--method", method,
                    "--address1", "  12  Oak   Ave ", "--address2", "Apt 4", "--city", "Austin",
                    "--state", state, "--postal-code", "78701-1234"});
  };
  const std::string before = address_of(p[0].id);
  // A bad address, or an address for anything but a check, changes nothing at all.
  const CommandResult bad_state = reissue_to(p[0].id, "check", "ZZ");
  CHECK(bad_state.exit_code == 2);
  CHECK(bad_state.err.find("(state)") != std::string::npos);
  CHECK(reissue_to(p[0].id, "paypal", "TX").exit_code == 2);
  CHECK(state_of(database, p[0].id) == "expired");
  CHECK(address_of(p[0].id) == before);

  const CommandResult moved = reissue_to(p[0].id, "check", "tx");
  REQUIRE_MESSAGE(moved.exit_code == 0, moved.err);
  CHECK(json::parse(moved.out)["address_changed"] == true);
  CHECK(state_of(database, p[0].id) == "reissued");
  CHECK(address_of(p[0].id) == "12 Oak Ave|Apt 4|Austin|TX|78701-1234");
  CHECK(database.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'claimant.mailing_address'") == "1");
  CHECK(database.scalar("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%Oak Ave%' OR "
                        "a::text LIKE '%Austin%'") == "0");

  // The API takes the same address as an object.
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const std::string bearer = "Bearer " + token_for(database, "clerk");
  const httplib::Headers headers = {{"Authorization", bearer},
                                    {"Idempotency-Key", "reissue-with-address"}};
  const std::string path = "/api/v1/payments/" + std::to_string(p[1].id) + "/reissue";
  json body = {
      {"method", "check"},
      {"address",
       {{"address1", "9 Elm St"}, {"city", "Reno"}, {"state", "NV"}, {"postal_code", "8950"}}}};
  const auto refused = client.Post(path.c_str(), headers, body.dump(), "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(state_of(database, p[1].id) == "expired");
  body["address"]["postal_code"] = "89501";
  const httplib::Headers retry = {{"Authorization", bearer},
                                  {"Idempotency-Key", "reissue-with-address-2"}};
  const auto accepted = client.Post(path.c_str(), retry, body.dump(), "application/json");
  REQUIRE(accepted);
  CHECK_MESSAGE(accepted->status == 201, accepted->body);
  CHECK(address_of(p[1].id) == "9 Elm St||Reno|NV|89501");
  CHECK(live_per_claimant_max(database, fixture.program_id) == 1);
  check_books_green(database, fixture.program_id);
}
