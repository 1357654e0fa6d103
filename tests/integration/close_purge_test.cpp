// Issue 6: closing a program sends what remains to the Treasury; a purge erases personal data
// provably.

#include <doctest/doctest.h>

#include <sstream>

#include "reconcile_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

std::string balance(TestDatabase& database, std::int64_t program_id, const std::string& account) {
  return database.scalar(
      "SELECT coalesce(sum(p.amount_cents), 0) FROM ledger_postings p JOIN ledger_entries e ON "
      "e.id = p.entry_id WHERE p.account = '" +
      account + "' AND e.program_id = " + std::to_string(program_id));
}

// Every row of every table, as text, searched for `needle`: what a pg_dump would show.
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
    "closing sends the residual to the Treasury, after which no money moves, and a purge erases "
    "every trace of a claimant") {
  TestDatabase database;
  add_reconcile_team(database);
  add_user(database, "boss", "admin");
  const PayoutFixture fixture = seed_payouts(database, {4, 0, 0, 0});
  const std::int64_t program = fixture.program_id;
  const std::string id = std::to_string(program);
  const std::int64_t batch_id = submitted_batch(database, program, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  reconcile_file(database, batch_id,
                 paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)},
                                 {p[1].reference, "SUCCESS", dollars(p[1].amount_cents)},
                                 {p[2].reference, "RETURNED", dollars(p[2].amount_cents)}}));
  // Still a payment on its way, and a program that is not closed cannot be purged.
  const CommandResult early = as_user(database, "boss", {"program", "close", id});
  CHECK(early.exit_code == 4);
  CHECK(early.err.find("1 payments still on their way") != std::string::npos);
  CHECK(as_user(database, "boss", {"purge", "--program", id}).exit_code == 4);
  CHECK(as_user(database, "clerk", {"program", "close", id}).exit_code == 5);
  const std::string now = database.scalar(
      "SELECT to_char((submitted_at + interval '31 days') AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM batches WHERE id = " +
      std::to_string(batch_id));
  REQUIRE(as_user(database, "clerk", {"expire", "--program", id, "--now", now}).exit_code == 0);

  const std::int64_t residual = std::stoll(balance(database, program, "unallocated_fund")) +
                                std::stoll(balance(database, program, "returned_pool"));
  const CommandResult closed = as_user(database, "boss", {"program", "close", id});
  REQUIRE_MESSAGE(closed.exit_code == 0, closed.err);
  const json close = json::parse(closed.out);
  CHECK(close["residual_to_treasury_cents"] == residual);
  CHECK(close["payments_released"] == 2);
  CHECK(balance(database, program, "residual_treasury") == std::to_string(residual));
  CHECK(balance(database, program, "returned_pool") == "0");
  CHECK(balance(database, program, "unallocated_fund") == "0");
  CHECK(database.scalar("SELECT status FROM programs WHERE id = " + id) == "closed");
  check_books_green(database, program);
  // No money moves after the close.
  CHECK(as_user(database, "clerk", {"expire", "--program", id}).exit_code == 4);
  CHECK(as_user(database, "clerk",
                {"payment", "reissue", std::to_string(p[2].id), "--method", "check"})
            .exit_code == 4);
  const std::string path = write_scratch_file(
      "closed.csv", paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)}}));
  CHECK(as_user(database, "clerk", {"reconcile", "--batch", std::to_string(batch_id), path})
            .exit_code == 4);
  CHECK(as_user(database, "boss", {"program", "close", id}).exit_code == 4);

  // The purge: the claimants' emails are in claimants and in the PayPal payouts file.
  CHECK(rows_containing(database, "c1@example.com") >= 2);
  const std::string entries = database.scalar("SELECT count(*) FROM ledger_entries");
  const CommandResult purged = as_user(database, "boss", {"purge", "--program", id});
  REQUIRE_MESSAGE(purged.exit_code == 0, purged.err);
  const json erased = json::parse(purged.out)["erased"];
  CHECK(erased["claimants"] == 4);
  CHECK(erased["batch_file_contents"] == 1);
  CHECK(erased["claimant_columns"].size() == 17);
  CHECK(rows_containing(database, "c1@example.com") == 0);
  CHECK(rows_containing(database, "Main St") == 0);
  CHECK(rows_containing(database, "Rivera") == 0);
  CHECK(database.scalar("SELECT status FROM programs WHERE id = " + id) == "purged");
  // Amounts, ids, the ledger and a verifiable audit chain remain; the purge is audited.
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE program_id = " + id) == "4");
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries") == entries);
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'program.purge'") == "1");
  const CommandResult audit = run_disburse(database, {"audit", "verify"});
  CHECK_MESSAGE(audit.exit_code == 0, (audit.out + audit.err));
  check_books_green(database, program);
  CHECK(as_user(database, "boss", {"purge", "--program", id}).exit_code == 4);
}
