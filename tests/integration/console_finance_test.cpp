// The console's finance screens, driven through the real sign-in form: allocation runs (list and
// start), reconciliation (upload from a batch's page, the report, its pages and CSV, a replay
// that changes nothing), exports downloaded with the session, and program settings (the
// weighting rule). Each checks CSRF, the role refusals and that outside text is escaped.

#include <doctest/doctest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "claimant_fixture.hpp"
#include "console_browser.hpp"
#include "reconcile_support.hpp"
#include "support.hpp"

using namespace disburse::testing;

namespace {

std::int64_t create_program(TestDatabase& database, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> arguments = {"program", "create", "--name", "Ring", "--fund", "1000.00"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  const CommandResult program = run_disburse(database, arguments);
  REQUIRE_MESSAGE(program.exit_code == 0, program.err);
  return nlohmann::json::parse(program.out).at("id").get<std::int64_t>();
}

std::string dollars(std::int64_t cents) {
  const std::string fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

// Uploads a results file as the batch page's multipart form does, with the page's token unless
// one is given.
httplib::Result upload(Browser& browser, std::int64_t batch_id, const std::string& content,
                       const std::string& forged_csrf = "") {
  const std::string batch_page = "/admin/batches/" + std::to_string(batch_id);
  const std::string csrf = forged_csrf.empty()
                               ? form_csrf(browser.client.Get(batch_page, browser.cookies())->body)
                               : forged_csrf;
  const httplib::MultipartFormDataItems items = {{"csrf", csrf, "", ""},
                                                 {"file", content, "results.csv", "text/csv"}};
  return browser.client.Post(batch_page + "/results", browser.cookies(), items);
}

std::string slurp(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
}

std::string cli_export(TestDatabase& database, std::int64_t program_id, const std::string& kind) {
  const std::string path = write_scratch_file("export-" + kind + ".csv", "");
  const CommandResult exported = run_disburse(
      database, {"export", "--program", std::to_string(program_id), "--kind", kind, "--out", path});
  REQUIRE_MESSAGE(exported.exit_code == 0, exported.err);
  const std::string content = slurp(path);
  std::filesystem::remove(path);
  return content;
}

}  // namespace

TEST_CASE(
    "the allocation runs screen lists the runs and starts one only for a role that may, with the "
    "form's token") {
  TestDatabase database;
  const std::int64_t program_id = create_program(database);
  const auto claimants = insert_claimants(database, program_id, 20, 1);
  ServerProcess server(database);
  const std::string list_page = "/admin/programs/" + std::to_string(program_id) + "/allocations";
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  const auto read_only = reviewer.client.Get(list_page, reviewer.cookies());
  CHECK(read_only->status == 200);
  CHECK(contains(read_only->body, "no allocation run yet"));
  CHECK_FALSE(contains(read_only->body, "Start the run"));
  CHECK(submit(reviewer, list_page, list_page, {{"round", "1"}})->status == 403);
  Browser maker = signed_in(server, database, "fran", "finance");
  CHECK(maker.client
            .Post(list_page, maker.cookies(), httplib::Params{{"round", "1"}, {"csrf", "forged"}})
            ->status == 403);
  CHECK(submit(maker, list_page, list_page, {{"round", "1"}, {"cap", "1.005"}})->status == 400);
  CHECK(database.scalar("SELECT count(*) FROM allocation_runs") == "0");

  const auto created =
      submit(maker, list_page, list_page, {{"round", "1"}, {"seed", ""}, {"cap", ""}});
  REQUIRE(created->status == 303);
  const std::string run_id = database.scalar("SELECT id FROM allocation_runs");
  const std::string run_page = "/admin/allocations/" + run_id;
  CHECK(created->get_header_value("Location") == run_page);
  CHECK(database.scalar("SELECT created_by FROM allocation_runs") == "fran");
  const auto listed = maker.client.Get(list_page, maker.cookies());
  CHECK(contains(listed->body, "href=\"/admin/allocations/" + run_id + "\""));
  CHECK(contains(listed->body, "<td>fran</td><td>not yet approved</td>"));
  CHECK_FALSE(contains(maker.client.Get(run_page, maker.cookies())->body, "/approve"));

  Browser checker = signed_in(server, database, "gina", "finance");
  CHECK(submit(checker, run_page, run_page + "/approve", {})->status == 303);
  CHECK(contains(checker.client.Get(list_page, checker.cookies())->body,
                 "<td>fran</td><td>gina</td>"));

  // The shares download and the explanation of one share, from the run's page.
  const auto shares = reviewer.client.Get(run_page + "/shares.csv", reviewer.cookies());
  CHECK(shares->status == 200);
  CHECK(shares->get_header_value("Content-Type").starts_with("text/csv"));
  CHECK(shares->body.starts_with("claim_number,share,weight,status"));
  CHECK(std::count(shares->body.begin(), shares->body.end(), '\n') == 21);
  const auto explained =
      reviewer.client.Get(run_page + "?claim=" + claimants[0].claim_number, reviewer.cookies());
  CHECK(explained->status == 200);
  CHECK(contains(explained->body, "id=\"explanation\""));
  CHECK(contains(explained->body, claimants[0].device_type));
  const auto unknown = reviewer.client.Get(run_page + "?claim=%3Cscript%3E", reviewer.cookies());
  CHECK(unknown->status == 200);
  CHECK(contains(unknown->body, "class=\"alert\""));
  CHECK_FALSE(contains(unknown->body, "<script>"));
  CHECK(reviewer.client.Get("/admin/allocations/999999", reviewer.cookies())->status == 404);
}

TEST_CASE(
    "a results file uploaded from a batch's page is reconciled once, and the same file again "
    "changes nothing") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {3, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  REQUIRE(p.size() == 3);
  const std::string results = paypal_results({
      {p[0].reference, "SUCCESS", dollars(p[0].amount_cents)},
      {p[1].reference, "SUCCESS", dollars(p[1].amount_cents + 1)},
      {"<script>alert(1)</script>", "SUCCESS", "10.00"},
  });
  ServerProcess server(database);
  Browser auditor = signed_in(server, database, "audrey", "auditor");
  const std::string batch_page = "/admin/batches/" + std::to_string(batch_id);
  CHECK_FALSE(contains(auditor.client.Get(batch_page, auditor.cookies())->body, "/results"));
  CHECK(upload(auditor, batch_id, results)->status == 403);
  Browser clerk(server.port());
  REQUIRE(clerk.sign_in("clerk", password_of("clerk"))->status == 303);
  CHECK(contains(clerk.client.Get(batch_page, clerk.cookies())->body,
                 "enctype=\"multipart/form-data\""));
  CHECK(upload(clerk, batch_id, results, "forged")->status == 403);
  CHECK(upload(clerk, batch_id, "")->status == 400);
  CHECK(database.scalar("SELECT count(*) FROM reconciliations") == "0");

  const auto first = upload(clerk, batch_id, results);
  REQUIRE(first->status == 303);
  const std::string first_id = database.scalar("SELECT max(id) FROM reconciliations");
  CHECK(first->get_header_value("Location") == "/admin/reconciliations/" + first_id);
  CHECK(state_of(database, p[0].id) == "paid");
  const std::string events = database.scalar("SELECT count(*) FROM payment_events");
  const std::string entries = database.scalar("SELECT count(*) FROM ledger_entries");
  const auto report = clerk.client.Get("/admin/reconciliations/" + first_id, clerk.cookies());
  CHECK(report->status == 200);
  CHECK(contains(report->body, "<td class=\"number\" id=\"applied\">1</td>"));
  CHECK(contains(report->body, "<td class=\"number\" id=\"group-matched-lines\">1</td>"));
  CHECK(contains(report->body, "<td class=\"number\" id=\"group-unmatched-lines\">1</td>"));
  CHECK(contains(report->body, "<td class=\"number\" id=\"group-discrepancies-lines\">1</td>"));
  CHECK(contains(report->body, "amount mismatch"));
  CHECK(contains(report->body, "submitted → paid"));
  CHECK_FALSE(contains(report->body, "replay-notice"));
  CHECK_FALSE(contains(report->body, "<script>alert(1)"));
  CHECK(contains(report->body, "&lt;script&gt;alert(1)"));
  const auto discrepancies = clerk.client.Get(
      "/admin/reconciliations/" + first_id + "?show=discrepancies", clerk.cookies());
  CHECK(contains(discrepancies->body, p[1].reference));
  CHECK_FALSE(contains(discrepancies->body, "<code>" + p[0].reference + "</code>"));

  const auto again = upload(clerk, batch_id, results);
  REQUIRE(again->status == 303);
  const std::string second_id = database.scalar("SELECT max(id) FROM reconciliations");
  CHECK(second_id != first_id);
  CHECK(database.scalar("SELECT count(*) FROM payment_events") == events);
  CHECK(database.scalar("SELECT count(*) FROM ledger_entries") == entries);
  check_books_green(database, fixture.program_id);
  const auto replayed = clerk.client.Get(again->get_header_value("Location"), clerk.cookies());
  CHECK(contains(replayed->body, "id=\"replay-notice\""));
  CHECK(contains(replayed->body, "reconciliation " + first_id));
  CHECK(contains(replayed->body, "<td class=\"number\" id=\"applied\">0</td>"));
  CHECK(contains(replayed->body, "<td class=\"number\" id=\"already-applied\">1</td>"));
  const auto listed = clerk.client.Get(batch_page, clerk.cookies());
  CHECK(contains(listed->body, "Reconciliation " + first_id));
  CHECK(contains(listed->body, "Reconciliation " + second_id));

  const auto csv =
      auditor.client.Get("/admin/reconciliations/" + first_id + "/report.csv", auditor.cookies());
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Disposition") ==
        "attachment; filename=\"reconciliation-" + first_id + "-report.csv\"");
  CHECK(csv->body.starts_with(
      "line_number,reference,payment_id,reported_status,amount,currency,outcome"));
  CHECK(std::count(csv->body.begin(), csv->body.end(), '\n') == 4);
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  CHECK(reviewer.client.Get("/admin/reconciliations/" + first_id, reviewer.cookies())->status ==
        200);
  CHECK(
      reviewer.client.Get("/admin/reconciliations/" + first_id + "/report.csv", reviewer.cookies())
          ->status == 403);
  CHECK(reviewer.client.Get("/admin/reconciliations/999999", reviewer.cookies())->status == 404);
}

TEST_CASE("a long reconciliation report is shown a page of lines at a time") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {1, 0, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  std::vector<PaypalResult> rows;
  for (int index = 1; index <= 150; index++)
    rows.push_back({"UNKNOWN-" + std::to_string(index), "SUCCESS", "1.00"});
  const std::string reconciliation_id =
      std::to_string(reconcile_file(database, batch_id, paypal_results(rows))
                         .at("reconciliation_id")
                         .get<std::int64_t>());
  ServerProcess server(database);
  Browser clerk(server.port());
  REQUIRE(clerk.sign_in("clerk", password_of("clerk"))->status == 303);
  const auto first =
      clerk.client.Get("/admin/reconciliations/" + reconciliation_id, clerk.cookies());
  CHECK(contains(first->body, "<code>UNKNOWN-1</code>"));
  CHECK(contains(first->body, "<code>UNKNOWN-100</code>"));
  CHECK_FALSE(contains(first->body, "<code>UNKNOWN-101</code>"));
  CHECK(contains(first->body, "id=\"group-unmatched-lines\">150<"));
  CHECK(contains(first->body, "$150.00"));
  const std::string marker = "rel=\"next\"";
  REQUIRE(contains(first->body, marker));
  const std::size_t href = first->body.rfind("href=\"", first->body.find(marker)) + 6;
  std::string next = first->body.substr(href, first->body.find('"', href) - href);
  for (const auto& [escaped, plain] : {std::pair{"&#47;", "/"}, {"&#61;", "="}, {"&amp;", "&"}}) {
    for (std::size_t at = next.find(escaped); at != std::string::npos; at = next.find(escaped)) {
      next.replace(at, std::string(escaped).size(), plain);
    }
  }
  const auto second = clerk.client.Get(next, clerk.cookies());
  CHECK(second->status == 200);
  CHECK(contains(second->body, "<code>UNKNOWN-101</code>"));
  CHECK(contains(second->body, "<code>UNKNOWN-150</code>"));
  CHECK_FALSE(contains(second->body, "<code>UNKNOWN-100</code>"));
  CHECK_FALSE(contains(second->body, marker));
  CHECK(
      clerk.client.Get("/admin/reconciliations/" + reconciliation_id + "?after=x", clerk.cookies())
          ->status == 400);
}

TEST_CASE(
    "the exports screen lists every kind, and each downloads with the console session exactly as "
    "the CLI writes it") {
  TestDatabase database;
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {2, 1, 0, 0});
  const std::int64_t batch_id = submitted_batch(database, fixture.program_id, "paypal");
  const std::vector<SubmittedPayment> p = batch_payments(database, batch_id);
  reconcile_file(database, batch_id,
                 paypal_results({{p[0].reference, "SUCCESS", dollars(p[0].amount_cents)}}));
  database.execute("UPDATE programs SET name = '<script>alert(1)</script>'");
  ServerProcess server(database);
  const std::string exports_page =
      "/admin/programs/" + std::to_string(fixture.program_id) + "/exports";
  Browser auditor = signed_in(server, database, "audrey", "auditor");
  const auto page = auditor.client.Get(exports_page, auditor.cookies());
  REQUIRE(page->status == 200);
  CHECK_FALSE(contains(page->body, "<script>alert(1)"));
  CHECK(contains(page->body, "&lt;script&gt;alert(1)"));
  CHECK(contains(page->body, "report.csv"));
  for (const std::string kind :
       {"payments", "ledger", "rollforward", "regulator", "discrepancies"}) {
    CAPTURE(kind);
    CHECK(contains(page->body, "id=\"export-" + kind + "\""));
    const auto download = auditor.client.Get(exports_page + "/" + kind + ".csv", auditor.cookies());
    CHECK(download->status == 200);
    CHECK(download->get_header_value("Content-Disposition") ==
          "attachment; filename=\"program-" + std::to_string(fixture.program_id) + "-" + kind +
              ".csv\"");
    CHECK(download->body == cli_export(database, fixture.program_id, kind));
  }
  CHECK(auditor.client.Get(exports_page + "/secrets.csv", auditor.cookies())->status == 404);
  CHECK(auditor.client.Get("/admin/programs/999999/exports/payments.csv", auditor.cookies())
            ->status == 404);
  CHECK(auditor.client.Get("/admin/exports", auditor.cookies())->get_header_value("Location") ==
        exports_page);
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  CHECK_FALSE(contains(reviewer.client.Get("/admin/", reviewer.cookies())->body,
                       "href=\"/admin/exports\""));
  CHECK(reviewer.client.Get(exports_page, reviewer.cookies())->status == 403);
  CHECK(reviewer.client.Get(exports_page + "/payments.csv", reviewer.cookies())->status == 403);
  httplib::Client stranger("127.0.0.1", server.port());
  CHECK(stranger.Get(exports_page + "/payments.csv")->get_header_value("Location") ==
        "/admin/login");
}

TEST_CASE(
    "program settings show the program, and only an administrator changes the weighting rule, "
    "audited") {
  TestDatabase database;
  const std::int64_t program_id = create_program(database, {"--min-payment", "10.00"});
  ServerProcess server(database);
  const std::string settings_page = "/admin/programs/" + std::to_string(program_id) + "/settings";
  const std::string rule_form = "/admin/programs/" + std::to_string(program_id) + "/weighting-rule";
  const httplib::Params new_rule = {{"action", "set"},
                                    {"text", "months_cap=24\nDoorbell=2\n<b>Cam</b>=5\n"}};
  Browser finance = signed_in(server, database, "fran", "finance");
  const auto shown = finance.client.Get(settings_page, finance.cookies());
  CHECK(shown->status == 200);
  CHECK(contains(shown->body, "<td class=\"number\" id=\"min-payment\">$10.00</td>"));
  CHECK(contains(shown->body, "<td>Indoor Cam</td><td class=\"number\">3</td>"));
  CHECK_FALSE(contains(shown->body, "Change the weighting rule"));
  CHECK(submit(finance, settings_page, rule_form, new_rule)->status == 403);
  Browser admin = signed_in(server, database, "alice", "admin");
  CHECK(contains(admin.client.Get(settings_page, admin.cookies())->body,
                 "Change the weighting rule"));
  httplib::Params forged = new_rule;
  forged.emplace("csrf", "forged");
  CHECK(admin.client.Post(rule_form, admin.cookies(), forged)->status == 403);
  CHECK(submit(admin, settings_page, rule_form, {{"action", "set"}, {"text", " \n"}})->status ==
        400);
  CHECK(submit(admin, settings_page, rule_form, {{"action", "set"}, {"text", "Doorbell=2"}})
            ->status == 400);
  CHECK(database.scalar("SELECT weighting_rule FROM programs") == "");

  const auto saved = submit(admin, settings_page, rule_form, new_rule);
  REQUIRE(saved->status == 303);
  CHECK(saved->get_header_value("Location") == settings_page + "?saved=1");
  const auto after = admin.client.Get(settings_page + "?saved=1", admin.cookies());
  CHECK(contains(after->body, "id=\"saved-notice\""));
  CHECK(contains(after->body, "<td>&lt;b&gt;Cam&lt;&#47;b&gt;</td><td class=\"number\">5</td>"));
  CHECK_FALSE(contains(after->body, "<b>Cam"));
  const CommandResult rule =
      run_disburse(database, {"program", "rule", std::to_string(program_id)});
  REQUIRE(rule.exit_code == 0);
  CHECK(nlohmann::json::parse(rule.out).at("months_cap") == 24);
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'program.weighting_rule' "
                        "AND actor = 'alice'") == "1");
  CHECK(submit(admin, settings_page, rule_form, {{"action", "default"}})->status == 303);
  CHECK(database.scalar("SELECT weighting_rule FROM programs") == "");
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'program.weighting_rule'") ==
        "2");
}

TEST_CASE(
    "once a run is approved the settings screen shows the rule as fixed and offers no change") {
  TestDatabase database;
  const PayoutFixture fixture = seed_payouts(database, {1, 0, 0, 0});
  ServerProcess server(database);
  const std::string settings_page =
      "/admin/programs/" + std::to_string(fixture.program_id) + "/settings";
  Browser admin = signed_in(server, database, "alice", "admin");
  const auto page = admin.client.Get(settings_page, admin.cookies());
  CHECK(page->status == 200);
  CHECK(contains(page->body, "The rule is fixed"));
  CHECK_FALSE(contains(page->body, "Change the weighting rule"));
  const auto refused =
      submit(admin, settings_page,
             "/admin/programs/" + std::to_string(fixture.program_id) + "/weighting-rule",
             {{"action", "set"}, {"text", "months_cap=24\nDoorbell=2\n"}});
  CHECK(refused->status == 409);
  CHECK(admin.client.Get("/admin/settings", admin.cookies())->get_header_value("Location") ==
        settings_page);
}
