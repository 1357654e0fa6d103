#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "disburse/app/claims.hpp"
#include "disburse/app/portal.hpp"
#include "disburse/domain/calendar.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/security/crypto.hpp"
#include "portal_fixture.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {

std::string status_path(const std::string& claim, const std::string& zip) {
  return "/api/v1/status?claim=" + httplib::detail::encode_query_param(claim) +
         "&zip=" + httplib::detail::encode_query_param(zip);
}

// The problem body without its per-request instance.
json without_instance(const std::string& body) {
  json problem = json::parse(body);
  problem.erase("instance");
  return problem;
}

// A browser's view of the portal: the CSRF cookie from the first page, the token from its form.
struct PortalSession {
  PortalSession(int port, const std::string& language = "en") : client("127.0.0.1", port) {
    const auto home = client.Get(("/?lang=" + language).c_str());
    REQUIRE(home->status == 200);
    for (const auto& [name, value] : home->headers) {
      if (name == "Set-Cookie" && value.starts_with("portal_csrf=")) {
        cookie = value.substr(0, value.find(';'));
      }
    }
    std::smatch match;
    REQUIRE(std::regex_search(home->body, match, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
    token = match[1];
  }

  httplib::Result post(const std::string& path, httplib::Params form) {
    form.emplace("csrf", token);
    return client.Post(path.c_str(), {{"Cookie", cookie}}, form);
  }

  httplib::Client client;
  std::string cookie;
  std::string token;
};

httplib::Params lookup_form(const SeededClaimant& claimant) {
  return {{"claim", claimant.claim_number}, {"zip", claimant.zip5}};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a customer finds their claim and payment with the claim number and ZIP code") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  seed_payment(database, claimant);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  // Lower case and without hyphens is how people type it.
  std::string typed = claimant.claim_number;
  std::erase(typed, '-');
  for (char& letter : typed) letter = static_cast<char>(std::tolower(letter));
  const auto found = client.Get(status_path(typed, claimant.zip5 + "-1234"));
  REQUIRE(found->status == 200);
  const json status = json::parse(found->body);
  CHECK(status["claim_number"] == claimant.claim_number);
  CHECK(status["program"] == "FTC v. Ring");
  CHECK(status["claim_state"] == "approved");
  CHECK(status["payment"]["amount"] == "47.85");
  CHECK(status["payment"]["method"] == "paypal");
  CHECK(status["payment"]["sent_at"] == "2024-05-01T00:00:00Z");
  CHECK(status["next_step"]["code"] == "accept_paypal_by");
  CHECK(status["next_step"]["deadline"] == "2024-05-31T00:00:00Z");
  CHECK(status["next_step"]["message"].get<std::string>().starts_with("Accept your PayPal payment by May 31, 2024"));
  CHECK(status["may_request_change"] == false);

  PortalSession session(server.port());
  const auto page = session.post("/status", lookup_form(claimant));
  REQUIRE(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(contains(page->body, "Accept your PayPal payment by May 31, 2024"));
  CHECK(contains(page->body, "$47.85"));
  CHECK(contains(page->body, "never ask for your bank password"));
}

TEST_CASE("a typo in the claim number is caught by the check character before any lookup") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const auto typo = client.Get(status_path(with_typo(claimant.claim_number), claimant.zip5));
  CHECK(typo->status == 400);
  CHECK(json::parse(typo->body)["detail"] == "That claim number has a typo: please check it against your notice.");
  const auto spanish = client.Get(status_path(with_typo(claimant.claim_number), claimant.zip5) + "&lang=es");
  CHECK(json::parse(spanish->body)["detail"] == "Ese número de reclamo tiene un error: compárelo con su aviso.");
  PortalSession session(server.port());
  const auto page = session.post("/status", {{"claim", with_typo(claimant.claim_number)}, {"zip", claimant.zip5}});
  CHECK(page->status == 400);
  CHECK(contains(page->body, "That claim number has a typo"));
  // Nothing was looked up, so nothing counts against the customer.
  CHECK(database.scalar("SELECT count(*) FROM portal_rate_limits") == "0");
}

TEST_CASE("a wrong claim number and a wrong ZIP code get the same answer") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const auto wrong_number = client.Get(status_path(unused_claim_number(), claimant.zip5));
  const auto wrong_zip = client.Get(status_path(claimant.claim_number, "10001"));
  CHECK(wrong_number->status == 404);
  CHECK(wrong_zip->status == 404);
  CHECK(without_instance(wrong_number->body) == without_instance(wrong_zip->body));
  PortalSession session(server.port());
  const auto page_number = session.post("/status", {{"claim", unused_claim_number()}, {"zip", claimant.zip5}});
  const auto page_zip = session.post("/status", {{"claim", claimant.claim_number}, {"zip", "10001"}});
  CHECK(page_number->status == 404);
  CHECK(page_zip->status == 404);
  CHECK(page_number->body == page_zip->body);
  CHECK(contains(page_zip->body, "We could not find a claim with that claim number and ZIP code"));
}

TEST_CASE("ten failed lookups from one address get 429 with Retry-After on every server") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess first(database);
  ServerProcess second(database);
  httplib::Client one("127.0.0.1", first.port());
  httplib::Client two("127.0.0.1", second.port());
  for (int attempt = 0; attempt < 10; attempt++) {
    httplib::Client& client = attempt % 2 == 0 ? one : two;
    CHECK(client.Get(status_path(unused_claim_number(), "94105"))->status == 404);
  }
  for (httplib::Client* client : {&one, &two}) {
    const auto limited = client->Get(status_path(claimant.claim_number, claimant.zip5));
    CHECK(limited->status == 429);
    const int retry_after = std::stoi(limited->get_header_value("Retry-After"));
    CHECK(retry_after > 0);
    CHECK(retry_after <= 900);
  }
  PortalSession session(first.port());
  const auto page = session.post("/status", lookup_form(claimant));
  CHECK(page->status == 429);
  CHECK(contains(page->body, "Too many attempts"));
  CHECK_FALSE(page->get_header_value("Retry-After").empty());
}

TEST_CASE("failed lookups of one claim number are limited whatever the address") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  const security::SecretBox secrets(std::string(32, 'k'));
  pg::PortalLookups lookups(database.database(), pg::RateLimitSettings{}, 1);
  for (int attempt = 0; attempt < 10; attempt++) {
    const app::StatusQuery guess{claimant.claim_number, std::to_string(10000 + attempt),
                                 "198.51.100." + std::to_string(attempt)};
    CHECK(app::look_up_status(database.database(), lookups, secrets, guess).outcome ==
          app::LookupOutcome::not_found);
  }
  const app::StatusQuery right{claimant.claim_number, claimant.zip5, "203.0.113.9"};
  CHECK_THROWS_AS(app::look_up_status(database.database(), lookups, secrets, right), RateLimited);
  // Another claim from a fresh address is unaffected.
  const auto other = seed_claimant(database, program);
  const app::StatusQuery other_query{other.claim_number, other.zip5, "203.0.113.10"};
  CHECK(app::look_up_status(database.database(), lookups, secrets, other_query).outcome ==
        app::LookupOutcome::found);
}

TEST_CASE("successful lookups never count against the limit") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  for (int attempt = 0; attempt < 30; attempt++) {
    REQUIRE(client.Get(status_path(claimant.claim_number, claimant.zip5))->status == 200);
  }
  CHECK(database.scalar("SELECT count(*) FROM portal_rate_limits") == "0");
}

TEST_CASE("every imported field is HTML-escaped on the portal's pages") {
  TestDatabase database;
  const std::string script = "<script>alert(1)</script>";
  const auto program = seed_program(database, "Ring " + script);
  ClaimantSpec spec;
  spec.last_name = script;
  spec.address1 = script;
  spec.city = script;
  spec.state = "\"onmouseover=alert(1)";
  const auto claimant = seed_claimant(database, program, spec);
  seed_payment(database, claimant);
  ServerProcess server(database);
  PortalSession session(server.port());
  const auto home = session.client.Get("/");
  CHECK_FALSE(contains(home->body, script));
  CHECK(contains(home->body, "&lt;script&gt;alert(1)&lt;&#47;script&gt;"));
  const auto page = session.post("/status", lookup_form(claimant));
  REQUIRE(page->status == 200);
  CHECK_FALSE(contains(page->body, script));
  CHECK_FALSE(contains(page->body, "\"onmouseover"));
  CHECK(contains(page->body, "Ring &lt;script&gt;"));
  const auto typed = session.post("/status", {{"claim", script}, {"zip", "94105"}});
  CHECK(typed->status == 400);
  CHECK_FALSE(contains(typed->body, script));
}

TEST_CASE("pages speak English or Spanish by link, cookie and Accept-Language") {
  TestDatabase database;
  seed_program(database);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const auto english = client.Get("/");
  CHECK(contains(english->body, "<html lang=\"en\">"));
  CHECK(contains(english->body, "Check the status of your refund"));
  const auto spanish = client.Get("/", {{"Accept-Language", "es-MX,es;q=0.9,en;q=0.5"}});
  CHECK(contains(spanish->body, "<html lang=\"es\">"));
  CHECK(contains(spanish->body, "Consulte el estado de su reembolso"));
  CHECK(contains(spanish->body, "Nunca le pediremos la contraseña de su banco"));
  const auto chosen = client.Get("/?lang=en", {{"Accept-Language", "es"}});
  CHECK(contains(chosen->body, "<html lang=\"en\">"));
  CHECK(contains(chosen->get_header_value("Set-Cookie"), "lang=en"));
  const auto remembered = client.Get("/", {{"Accept-Language", "es"}, {"Cookie", "lang=en"}});
  CHECK(contains(remembered->body, "<html lang=\"en\">"));
  CHECK(contains(english->body, "hreflang=\"es\""));
}

TEST_CASE("portal pages carry security headers, a stylesheet and a CSRF defence") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const auto home = client.Get("/");
  CHECK(contains(home->get_header_value("Content-Security-Policy"), "frame-ancestors 'none'"));
  CHECK(contains(home->get_header_value("Content-Security-Policy"), "style-src 'self'"));
  CHECK(home->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(home->get_header_value("Referrer-Policy") == "no-referrer");
  CHECK(contains(home->body, "name=\"viewport\""));
  CHECK_FALSE(contains(home->body, "style="));
  CHECK_FALSE(contains(home->body, "<script"));
  const auto css = client.Get("/static/portal.css");
  CHECK(css->status == 200);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  CHECK(client.Get("/static/layout.mustache")->status == 404);
  const auto unknown = client.Get("/no-such-page", {{"Accept-Language", "es"}});
  CHECK(unknown->status == 404);
  CHECK(contains(unknown->get_header_value("Content-Type"), "text/html"));
  CHECK(contains(unknown->body, "Esta página no existe."));
  CHECK(client.Get("/api/v1/no-such-thing")->get_header_value("Content-Type") == "application/problem+json");
  // A form posted without the cookie, or with a token for another cookie, is refused.
  const auto forged = client.Post("/status", httplib::Params{{"claim", claimant.claim_number}, {"zip", claimant.zip5}, {"csrf", "x"}});
  CHECK(forged->status == 403);
  CHECK(contains(forged->get_header_value("Content-Type"), "text/html"));
  CHECK(contains(forged->body, "Your session expired"));
  PortalSession session(server.port());
  const auto other_cookie = client.Post("/status", {{"Cookie", "portal_csrf=" + std::string(43, 'A')}},
                                        httplib::Params{{"claim", claimant.claim_number}, {"zip", claimant.zip5}, {"csrf", session.token}});
  CHECK(other_cookie->status == 403);
  CHECK(session.post("/status", lookup_form(claimant))->status == 200);
}

TEST_CASE("a verified customer switches an expired PayPal payment to a check and sees it") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  seed_payment(database, claimant, {.state = "expired"});
  ServerProcess server(database);
  PortalSession session(server.port());
  const auto before = session.post("/status", lookup_form(claimant));
  REQUIRE(before->status == 200);
  CHECK(contains(before->body, "You can ask for a paper check"));
  CHECK(contains(before->body, "/status/change"));

  httplib::Params wrong_name = lookup_form(claimant);
  wrong_name.emplace("last_name", "Smith");
  wrong_name.emplace("kind", "switch_to_check");
  const auto refused = session.post("/status/change", wrong_name);
  CHECK(refused->status == 404);
  CHECK(contains(refused->body, "We could not verify those details"));
  CHECK(database.scalar("SELECT count(*) FROM portal_change_requests") == "0");

  httplib::Params request = lookup_form(claimant);
  request.emplace("last_name", "  LOPEZ ");
  request.emplace("kind", "switch_to_check");
  const auto recorded = session.post("/status/change", request);
  REQUIRE(recorded->status == 200);
  CHECK(contains(recorded->body, "Your request was recorded"));
  CHECK(contains(recorded->body, "You asked for a paper check instead of PayPal on"));
  CHECK(database.scalar("SELECT kind || ' ' || state FROM portal_change_requests") == "switch_to_check pending");
  CHECK(database.scalar("SELECT count(*) FROM audit_log WHERE action = 'portal.change_request' AND subject_id = '" +
                        std::to_string(claimant.id) + "'") == "1");
  const auto json_status = session.client.Get(status_path(claimant.claim_number, claimant.zip5));
  CHECK(json::parse(json_status->body)["pending_change_request"]["kind"] == "switch_to_check");
  CHECK(json::parse(json_status->body)["next_step"]["code"] == "wait_for_reissue");

  // A new PayPal email is sealed at rest: the table never holds it in plain text.
  httplib::Params email = lookup_form(claimant);
  email.emplace("last_name", "Lopez");
  email.emplace("kind", "paypal_email");
  email.emplace("paypal_email", "new.address@example.org");
  CHECK(session.post("/status/change", email)->status == 200);
  CHECK(database.scalar("SELECT count(*) FROM portal_change_requests WHERE details_sealed LIKE '%example.org%'") == "0");

  add_user(database, "rita", "reviewer");
  const CommandResult shown = run_disburse(database, {"claims", "show", claimant.claim_number, "--as", "rita"},
                                           password_of("rita") + "\n");
  REQUIRE(shown.exit_code == 0);
  const json history = json::parse(shown.out)["history"];
  REQUIRE(history.size() == 2);
  CHECK(history[0]["kind"] == "change_request");
  CHECK(history[0]["reason"] == "switch_to_check");
  const json changes = json::parse(shown.out)["change_requests"];
  REQUIRE(changes.size() == 2);
  CHECK(changes[1]["kind"] == "paypal_email");
  CHECK(changes[1]["details"].is_null());
  add_user(database, "alice", "admin");
  const CommandResult revealed = run_disburse(
      database, {"claims", "show", claimant.claim_number, "--reveal", "--as", "alice"}, password_of("alice") + "\n");
  REQUIRE(revealed.exit_code == 0);
  CHECK(json::parse(revealed.out)["change_requests"][1]["details"]["paypal_email"] == "new.address@example.org");
}

TEST_CASE("a payment already batched or on its way cannot be changed from the portal") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  seed_payment(database, claimant, {.state = "batched", .submitted_at_epoch_seconds = 0});
  ServerProcess server(database);
  PortalSession session(server.port());
  const auto page = session.post("/status", lookup_form(claimant));
  CHECK_FALSE(contains(page->body, "/status/change"));
  httplib::Params request = lookup_form(claimant);
  request.emplace("last_name", "Lopez");
  request.emplace("kind", "switch_to_check");
  const auto refused = session.post("/status/change", request);
  CHECK(refused->status == 409);
  CHECK(contains(refused->body, "already on its way"));
  CHECK(database.scalar("SELECT count(*) FROM portal_change_requests") == "0");
}
