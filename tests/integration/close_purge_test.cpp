// Issue 6: closing a program sends what remains to the Treasury; a purge erases personal data
// provably.

#include <doctest/doctest.h>
#include <httplib.h>

#include <regex>
#include <sstream>

#include "portal_fixture.hpp"
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

struct PortalAnswer {
  int api_status = 0;
  json api;
  int page_status = 0;
  std::string page;
};

// The customer's two ways in: the JSON API and the HTML form (with its CSRF cookie and token).
PortalAnswer ask_portal(int port, const std::string& claim, const std::string& zip) {
  httplib::Client client("127.0.0.1", port);
  const std::string query = "claim=" + httplib::detail::encode_query_param(claim) + "&zip=" + zip;
  const auto api = client.Get(("/api/v1/status?" + query).c_str());
  REQUIRE(api);
  const auto home = client.Get("/?lang=en");
  REQUIRE(home);
  std::string cookie;
  for (const auto& [name, value] : home->headers) {
    if (name == "Set-Cookie" && value.starts_with("portal_csrf=")) {
      cookie = value.substr(0, value.find(';'));
    }
  }
  std::smatch match;
  REQUIRE(std::regex_search(home->body, match, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
  const auto page =
      client.Post("/status", {{"Cookie", cookie}},
                  httplib::Params{{"claim", claim}, {"zip", zip}, {"csrf", match[1].str()}});
  REQUIRE(page);
  return {api->status, json::parse(api->body), page->status, page->body};
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
  // One claimant the portal can find: a real claim number and ZIP.
  const std::string claim = unused_claim_number();
  database.execute("UPDATE claimants SET claim_number = '" + claim +
                   "', portal_zip5 = '62701' WHERE id = (SELECT min(id) FROM claimants WHERE "
                   "program_id = " +
                   id + ")");
  ServerProcess server(database);
  const PortalAnswer open = ask_portal(server.port(), claim, "62701");
  CHECK(open.api_status == 200);
  CHECK(open.api["program_closed"] == false);
  const CommandResult closed = as_user(database, "boss", {"program", "close", id});
  REQUIRE_MESSAGE(closed.exit_code == 0, closed.err);
  const PortalAnswer after_close = ask_portal(server.port(), claim, "62701");
  CHECK(after_close.api_status == 200);
  CHECK(after_close.api["program_closed"] == true);
  CHECK(after_close.api["may_request_change"] == false);
  CHECK(after_close.page_status == 200);
  CHECK(after_close.page.find("This refund program is closed.") != std::string::npos);
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
  // The portal recognises the purged program from the claim number alone (the ZIP is erased),
  // says only that, and still counts the attempt against the rate limit.
  const std::string failures_before =
      database.scalar("SELECT coalesce(sum(failures), 0) FROM portal_rate_limits");
  const PortalAnswer after_purge = ask_portal(server.port(), claim, "62701");
  CHECK(after_purge.api_status == 410);
  CHECK(after_purge.api["detail"].get<std::string>().find("personal data has been erased") !=
        std::string::npos);
  CHECK(after_purge.api.dump().find("Springfield") == std::string::npos);
  CHECK(after_purge.page_status == 410);
  CHECK(after_purge.page.find("personal data has been erased") != std::string::npos);
  CHECK(std::stoll(database.scalar("SELECT coalesce(sum(failures), 0) FROM portal_rate_limits")) >
        std::stoll(failures_before));
  // Any other claim number still gets the one generic answer.
  CHECK(ask_portal(server.port(), unused_claim_number(), "62701").api_status == 404);
  // Amounts, ids, the ledger and a verifiable audit chain remain; the purge is audited.
  CHECK(database.scalar("SELECT count(*) FROM payments WHERE program_id = " + id) == "4");
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries") == entries);
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'program.purge'") == "1");
  const CommandResult audit = run_disburse(database, {"audit", "verify"});
  CHECK_MESSAGE(audit.exit_code == 0, (audit.out + audit.err));
  check_books_green(database, program);
  CHECK(as_user(database, "boss", {"purge", "--program", id}).exit_code == 4);
}

TEST_CASE(
    "the operator steps expire, close and purge run over HTTP once per Idempotency-Key with their "
    "permissions") {
  TestDatabase database;
  add_reconcile_team(database);
  add_user(database, "boss", "admin");
  const PayoutFixture fixture = seed_payouts(database, {2, 0, 0, 0});
  const std::string id = std::to_string(fixture.program_id);
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::string now = database.scalar(
      "SELECT to_char((submitted_at + interval '31 days') AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM batches WHERE id = " +
      std::to_string(batch_id));
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const auto post = [&](const std::string& user, const std::string& step, const std::string& key,
                        const json& body) {
    httplib::Headers headers = {{"Authorization", "Bearer " + token_for(database, user)}};
    if (!key.empty()) headers.emplace("Idempotency-Key", key);
    const auto response = client.Post(("/api/v1/programs/" + id + "/" + step).c_str(), headers,
                                      body.dump(), "application/json");
    REQUIRE(response);
    return *response;
  };
  CHECK(post("clerk", "expire", "", {{"now", now}}).status == 400);
  const httplib::Response expired = post("clerk", "expire", "expire-1", {{"now", now}});
  REQUIRE_MESSAGE(expired.status == 200, expired.body);
  CHECK(json::parse(expired.body)["expired"] == 2);
  const httplib::Response replay = post("clerk", "expire", "expire-1", {{"now", now}});
  CHECK(replay.status == 200);
  CHECK(replay.get_header_value("Idempotent-Replayed") == "true");
  CHECK(json::parse(replay.body)["expired"] == 2);
  CHECK(post("clerk", "expire", "expire-2", {{"now", "yesterday"}}).status == 400);

  // Purging an open program is refused; a finance clerk may neither close nor purge.
  CHECK(post("boss", "purge", "purge-early", json::object()).status == 409);
  CHECK(post("clerk", "close", "close-clerk", json::object()).status == 403);
  const httplib::Response closed = post("boss", "close", "close-1", json::object());
  REQUIRE_MESSAGE(closed.status == 200, closed.body);
  CHECK(json::parse(closed.body)["status"] == "closed");
  CHECK(database.scalar("SELECT status FROM programs WHERE id = " + id) == "closed");
  CHECK(post("clerk", "expire", "expire-3", json::object()).status == 409);
  CHECK(post("clerk", "purge", "purge-clerk", json::object()).status == 403);
  const httplib::Response purged = post("boss", "purge", "purge-1", json::object());
  REQUIRE_MESSAGE(purged.status == 200, purged.body);
  CHECK(json::parse(purged.body)["erased"]["claimants"] == 2);
  CHECK(database.scalar("SELECT status FROM programs WHERE id = " + id) == "purged");
  CHECK(rows_containing(database, "c1@example.com") == 0);
  CHECK(post("boss", "purge", "purge-1", json::object()).get_header_value("Idempotent-Replayed") ==
        "true");
  check_books_green(database, fixture.program_id);
}
