// The console's claimant, batch and allocation run screens, driven through the real sign-in
// form: role checks, CSRF on every form, the audited reveal and maker-checker as the pages show it.

#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "claimant_fixture.hpp"
#include "console_browser.hpp"
#include "payout_fixture.hpp"
#include "portal_fixture.hpp"
#include "support.hpp"

using namespace disburse::testing;

namespace {

std::string reveal_count(TestDatabase& database, const std::string& actor) {
  return database.scalar("SELECT count(*) FROM audit_log WHERE action = 'claimant.reveal' AND actor = '" + actor + "'");
}

}  // namespace

TEST_CASE("every reading role sees the claimant list and a claim masked, without forms it may not use") {
  TestDatabase database;
  const auto program = seed_program(database);
  ClaimantSpec spec;
  spec.claim_state = "pending_review";
  spec.review_flags = {"duplicate_email"};
  const auto claimant = seed_claimant(database, program, spec);
  ServerProcess server(database);
  Browser auditor = signed_in(server, database, "audrey", "auditor");
  const auto list = auditor.client.Get("/admin/claims?program=" + std::to_string(program) + "&state=pending_review",
                                       auditor.cookies());
  CHECK(list->status == 200);
  CHECK(contains(list->body, claimant.claim_number));
  CHECK(contains(list->body, "duplicate_email"));
  CHECK_FALSE(contains(list->body, "Lopez"));
  CHECK_FALSE(contains(list->body, "maria.lopez@example.com"));
  const auto page = auditor.client.Get("/admin/claims/" + claimant.claim_number, auditor.cookies());
  CHECK(page->status == 200);
  CHECK(contains(page->body, "pending_review"));
  CHECK_FALSE(contains(page->body, "Lopez"));
  CHECK_FALSE(contains(page->body, "/reveal"));
  CHECK_FALSE(contains(page->body, "/decisions"));
  CHECK(contains(page->body, "href=\"/admin/claims\""));
  CHECK(auditor.client.Get("/admin/claims/" + unused_claim_number(), auditor.cookies())->status == 404);
}

TEST_CASE("a reveal in the console needs the form's token and the permission, shows the data once and is audited") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  const std::string claim_page = "/admin/claims/" + claimant.claim_number;
  const std::string reveal = claim_page + "/reveal";
  CHECK(reviewer.client.Post(reveal, reviewer.cookies(), httplib::Params{{"csrf", "forged"}})->status == 403);
  CHECK(reveal_count(database, "rita") == "0");
  const auto revealed = submit(reviewer, claim_page, reveal, {});
  CHECK(revealed->status == 200);
  CHECK(contains(revealed->body, "maria.lopez@example.com"));
  CHECK(contains(revealed->body, "123 Main St"));
  CHECK(revealed->get_header_value("Cache-Control") == "no-store");
  CHECK(reveal_count(database, "rita") == "1");
  // The reveal is not a page that reloads unmasked.
  CHECK_FALSE(contains(reviewer.client.Get(claim_page, reviewer.cookies())->body, "maria.lopez@example.com"));
  Browser finance = signed_in(server, database, "fran", "finance");
  const auto page = finance.client.Get(claim_page, finance.cookies());
  CHECK(finance.client.Post(reveal, finance.cookies(), httplib::Params{{"csrf", form_csrf(page->body)}})->status == 403);
  CHECK(reveal_count(database, "fran") == "0");
}

TEST_CASE("a reviewer decides a claim from its page and its history shows the decision") {
  TestDatabase database;
  const auto program = seed_program(database);
  ClaimantSpec spec;
  spec.claim_state = "pending_review";
  const auto claimant = seed_claimant(database, program, spec);
  ServerProcess server(database);
  const std::string claim_page = "/admin/claims/" + claimant.claim_number;
  const std::string decide = claim_page + "/decisions";
  const httplib::Params approve = {{"decision", "approve"}, {"reason", "identity_verified"}};
  Browser auditor = signed_in(server, database, "audrey", "auditor");
  CHECK(submit(auditor, claim_page, decide, approve)->status == 403);
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  httplib::Params forged = approve;
  forged.emplace("csrf", "forged");
  CHECK(reviewer.client.Post(decide, reviewer.cookies(), forged)->status == 403);
  CHECK(contains(reviewer.client.Get(claim_page, reviewer.cookies())->body, "pending_review"));
  const auto decided = submit(reviewer, claim_page, decide, approve);
  CHECK(decided->status == 303);
  CHECK(decided->get_header_value("Location") == claim_page);
  const auto page = reviewer.client.Get(claim_page, reviewer.cookies());
  CHECK(contains(page->body, "<td id=\"claim-state\">approved</td>"));
  CHECK(contains(page->body, "identity_verified"));
  CHECK(submit(reviewer, claim_page, decide, {{"decision", "deny"}, {"reason", "Not A Code"}})->status == 400);
}

TEST_CASE("the batch screens show maker and checker, hide Approve from the creator and let a second user approve") {
  TestDatabase database;
  PayoutFixtureOptions options;
  options.paypal = 3;
  const PayoutFixture fixture = seed_payouts(database, options);
  ServerProcess server(database);
  const std::string list_page = "/admin/programs/" + std::to_string(fixture.program_id) + "/batches";
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  const auto read_only = reviewer.client.Get(list_page, reviewer.cookies());
  CHECK(read_only->status == 200);
  CHECK_FALSE(contains(read_only->body, "Create batch"));
  CHECK(submit(reviewer, list_page, list_page, {{"method", "paypal"}})->status == 403);
  Browser maker = signed_in(server, database, "fran", "finance");
  CHECK(maker.client.Post(list_page, maker.cookies(), httplib::Params{{"method", "paypal"}, {"csrf", "forged"}})->status == 403);
  CHECK(database.scalar("SELECT count(*) FROM batches") == "0");
  const auto created = submit(maker, list_page, list_page, {{"method", "paypal"}, {"max_items", ""}});
  REQUIRE(created->status == 303);
  const std::string batch_page = created->get_header_value("Location");
  const std::string batch_id = database.scalar("SELECT id FROM batches");
  CHECK(batch_page == "/admin/batches/" + batch_id);
  const auto own = maker.client.Get(batch_page, maker.cookies());
  CHECK(own->status == 200);
  CHECK(contains(own->body, "<td id=\"created-by\">fran"));
  CHECK(contains(own->body, "not yet approved"));
  CHECK_FALSE(contains(own->body, "/approve"));
  CHECK(submit(maker, batch_page, batch_page + "/approve", {})->status == 403);
  Browser checker = signed_in(server, database, "gina", "finance");
  CHECK(contains(checker.client.Get(batch_page, checker.cookies())->body, "/approve"));
  CHECK(submit(checker, batch_page, batch_page + "/approve", {})->status == 303);
  const auto approved = checker.client.Get(batch_page, checker.cookies());
  CHECK(contains(approved->body, "<td id=\"approved-by\">gina"));
  CHECK(contains(checker.client.Get(list_page, checker.cookies())->body, "gina"));
  const auto file = submit(checker, batch_page, batch_page + "/file", {{"part", "1"}});
  CHECK(file->status == 200);
  CHECK(contains(file->get_header_value("Content-Disposition"), "attachment"));
  CHECK(database.scalar("SELECT state FROM batches") == "submitted");
  CHECK(contains(checker.client.Get(batch_page, checker.cookies())->body, "Download"));
}

TEST_CASE("a batch is cancelled from its page with the form's token only") {
  TestDatabase database;
  PayoutFixtureOptions options;
  options.check = 2;
  const PayoutFixture fixture = seed_payouts(database, options);
  ServerProcess server(database);
  const std::string list_page = "/admin/programs/" + std::to_string(fixture.program_id) + "/batches";
  Browser maker = signed_in(server, database, "fran", "finance");
  const auto created = submit(maker, list_page, list_page, {{"method", "check"}});
  REQUIRE(created->status == 303);
  const std::string batch_page = created->get_header_value("Location");
  CHECK(maker.client.Post(batch_page + "/cancel", maker.cookies(), httplib::Params{{"csrf", "forged"}})->status == 403);
  CHECK(database.scalar("SELECT state FROM batches") == "draft");
  CHECK(submit(maker, batch_page, batch_page + "/cancel", {})->status == 303);
  CHECK(database.scalar("SELECT state FROM batches") == "cancelled");
  CHECK(maker.client.Get("/admin/batches", maker.cookies())->get_header_value("Location") == list_page);
}

TEST_CASE("the allocation run page shows totals and statistics, and only a second user may approve") {
  TestDatabase database;
  const CommandResult program = run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "1000.00"});
  REQUIRE(program.exit_code == 0);
  const std::int64_t program_id = nlohmann::json::parse(program.out).at("id").get<std::int64_t>();
  insert_claimants(database, program_id, 20, 1);
  ServerProcess server(database);
  Browser maker = signed_in(server, database, "fran", "finance");
  const CommandResult run = run_disburse(database, {"allocate", "--program", std::to_string(program_id), "--as", "fran"},
                                         "", {{"DISBURSE_PASSWORD", password_of("fran")}});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const std::string run_page =
      "/admin/allocations/" + std::to_string(nlohmann::json::parse(run.out).at("run_id").get<std::int64_t>());
  const auto own = maker.client.Get(run_page, maker.cookies());
  CHECK(own->status == 200);
  CHECK(contains(own->body, nlohmann::json::parse(run.out).at("output_sha256").get<std::string>()));
  CHECK(contains(own->body, "<td id=\"created-by\">fran"));
  CHECK_FALSE(contains(own->body, "/approve"));
  CHECK(submit(maker, run_page, run_page + "/approve", {})->status == 403);
  Browser reviewer = signed_in(server, database, "rita", "reviewer");
  CHECK(reviewer.client.Get(run_page, reviewer.cookies())->status == 200);
  CHECK(submit(reviewer, run_page, run_page + "/approve", {})->status == 403);
  Browser checker = signed_in(server, database, "gina", "finance");
  CHECK(checker.client.Post(run_page + "/approve", checker.cookies(), httplib::Params{{"csrf", "forged"}})->status == 403);
  CHECK(submit(checker, run_page, run_page + "/approve", {})->status == 303);
  const auto approved = checker.client.Get(run_page, checker.cookies());
  CHECK(contains(approved->body, "<td id=\"approved-by\">gina"));
  CHECK_FALSE(contains(approved->body, "/approve"));
}

TEST_CASE("with several programs a nav entry asks which program, and links each one's screen") {
  TestDatabase database;
  const CommandResult ring = run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "1000.00"});
  const CommandResult other =
      run_disburse(database, {"program", "create", "--name", "Other <fund>", "--fund", "500.00"});
  REQUIRE(ring.exit_code == 0);
  REQUIRE(other.exit_code == 0);
  const std::string ring_id = nlohmann::json::parse(ring.out)["id"].dump();
  const std::string other_id = nlohmann::json::parse(other.out)["id"].dump();
  ServerProcess server(database);
  Browser admin = signed_in(server, database, "alice", "admin");
  for (const auto& [entry, screen] : std::vector<std::pair<std::string, std::string>>{
           {"/admin/batches", "batches"}, {"/admin/allocations", "allocations"},
           {"/admin/exports", "exports"}, {"/admin/settings", "settings"}}) {
    CAPTURE(entry);
    const auto page = admin.client.Get(entry, admin.cookies());
    REQUIRE(page->status == 200);
    CHECK(contains(page->body, "Which program?"));
    CHECK(contains(page->body, "href=\"/admin/programs/" + ring_id + "/" + screen + "\""));
    CHECK(contains(page->body, "href=\"/admin/programs/" + other_id + "/" + screen + "\""));
    CHECK(contains(page->body, "Other &lt;fund&gt;"));
  }
}

TEST_CASE("an administrator creates a program from the console, and bad or replayed forms create nothing") {
  TestDatabase database;
  ServerProcess server(database);
  Browser admin = signed_in(server, database, "alice", "admin");
  const auto dashboard = admin.client.Get("/admin/", admin.cookies());
  CHECK(contains(dashboard->body, "href=\"/admin/programs/new\""));
  const auto form_for = [](httplib::Params fields) {
    httplib::Params form = {{"name", "FTC v. Ring"}, {"fund", "5800000.00"}, {"reserve", "200000.00"},
                            {"min_payment", "5.00"}, {"paypal_window_days", "30"},
                            {"check_window_days", "90"}, {"cure_window_days", ""}};
    for (const auto& [name, value] : fields) {
      form.erase(name);
      form.emplace(name, value);
    }
    return form;
  };
  // Refused with a reason, and nothing is written.
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"fund", "a lot"}, {"fund", "-5.00"}, {"fund", "1.005"}, {"name", ""},
           {"reserve", "9000000.00"}, {"paypal_window_days", "thirty"}, {"check_window_days", "0"},
           {"name", std::string(201, 'x')}}) {
    CAPTURE(field);
    CAPTURE(value);
    const auto refused = submit(admin, "/admin/programs/new", "/admin/programs", form_for({{field, value}}));
    CHECK(refused->status == 400);
    CHECK(contains(refused->body, "Not accepted"));
  }
  CHECK(database.scalar("SELECT count(*) FROM programs") == "0");
  const auto created = submit(admin, "/admin/programs/new", "/admin/programs", form_for({}));
  REQUIRE(created->status == 303);
  const std::string settings_page = created->get_header_value("Location");
  CHECK(settings_page ==
        "/admin/programs/" + database.scalar("SELECT id FROM programs") + "/settings");
  CHECK(database.scalar("SELECT name || ' ' || fund_cents || ' ' || reserve_cents || ' ' || "
                        "min_payment_cents || ' ' || cure_window_days FROM programs") ==
        "FTC v. Ring 580000000 20000000 500 30");
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'program.create' AND actor = 'alice'") == "1");
  const auto settings = admin.client.Get(settings_page, admin.cookies());
  CHECK(contains(settings->body, "5,800,000.00"));
  // The same form again (a double click, a replayed request): the name is taken, nothing new.
  const auto replayed = submit(admin, "/admin/programs/new", "/admin/programs", form_for({}));
  CHECK(replayed->status == 409);
  CHECK(database.scalar("SELECT count(*) FROM programs") == "1");
  // Finance staff may not create programs: no link, no form, and the POST is refused.
  Browser fran = signed_in(server, database, "fran", "finance");
  CHECK_FALSE(contains(fran.client.Get("/admin/", fran.cookies())->body, "/admin/programs/new"));
  CHECK(fran.client.Get("/admin/programs/new", fran.cookies())->status == 403);
  const std::string fran_csrf = form_csrf(fran.client.Get("/admin/", fran.cookies())->body);
  CHECK(fran.client.Post("/admin/programs", fran.cookies(),
                         httplib::Params{{"csrf", fran_csrf}, {"name", "Other"}, {"fund", "1.00"}})
            ->status == 403);
  CHECK(database.scalar("SELECT count(*) FROM programs") == "1");
}
