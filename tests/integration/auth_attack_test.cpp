// Issue 9, attacks on authentication and authorisation: CSRF on every console form, session
// fixation, missing, forged, revoked and malformed bearer tokens, role escalation through the API
// and the console, and one user's token acting as another.

#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "console_browser.hpp"
#include "disburse/security/crypto.hpp"
#include "hostile_program.hpp"
#include "payout_fixture.hpp"
#include "reconcile_support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {


std::string concrete(const std::string& pattern, const HostileProgram& hostile) {
  std::string path = pattern;
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"{claim_number}", hostile.claim_number}, {"{id}", "1"}}) {
    for (std::size_t at = path.find(name); at != std::string::npos; at = path.find(name)) {
      path.replace(at, name.size(), value);
    }
  }
  return path;
}

std::int64_t rows_in(TestDatabase& database, const std::string& table) {
  return std::stoll(database.scalar("SELECT count(*) FROM " + table));
}

// A finance team with a program of allocated PayPal payments and a draft batch made by "maker".
struct DraftBatch {
  std::int64_t program_id = 0;
  std::int64_t batch_id = 0;
};

DraftBatch draft_batch(TestDatabase& database) {
  add_reconcile_team(database);
  const PayoutFixture fixture = seed_payouts(database, {4, 0, 0, 0});
  const CommandResult created = as_user(
      database, "maker", {"batch", "create", "--program", std::to_string(fixture.program_id),
                          "--method", "paypal", "--max-items", "2"});
  REQUIRE_MESSAGE(created.exit_code == 0, created.err);
  return {fixture.program_id, json::parse(created.out).at("batch_id").get<std::int64_t>()};
}

}  // namespace

TEST_CASE("every console form refuses a missing, forged or another session's CSRF token and changes nothing") {
  TestDatabase database;
  const HostileProgram hostile = build_hostile_program(database);
  ServerProcess server(database);
  Browser victim(server.port());
  REQUIRE(victim.sign_in("ada", password_of("ada"))->status == 303);
  Browser other(server.port());
  REQUIRE(other.sign_in("ada", password_of("ada"))->status == 303);
  const std::string other_csrf = form_csrf(other.client.Get("/admin/users", other.cookies())->body);
  const auto counts_before = table_row_counts(database);
  int forms = 0;
  for (const auto& route : registered_routes(database)) {
    if (route.method != "POST" || !route.pattern.starts_with("/admin")) continue;
    const std::string path = concrete(route.pattern, hostile);
    CAPTURE(path);
    forms++;
    for (const std::optional<std::string>& token : {std::optional<std::string>(), std::optional<std::string>("forged"),
                                                    std::optional<std::string>(other_csrf)}) {
      httplib::Params form = {{"name", "csrf probe"}, {"decision", "deny"}, {"reason", "fraud"},
                              {"method", "paypal"},   {"username", "mallory"}, {"role", "admin"},
                              {"password", "a password that is long enough"}};
      if (token) form.emplace("csrf", *token);
      // The list upload is a multipart form (the token first, as the console's form sends it).
      httplib::MultipartFormDataItems upload = {
          {"program", std::to_string(hostile.program_id), "", ""},
          {"file", hostile.list_csv, "list.csv", "text/csv"}};
      if (token) upload.insert(upload.begin(), {"csrf", *token, "", ""});
      const auto refused = route.pattern == "/admin/imports"
                               ? victim.client.Post(path, victim.cookies(), upload)
                               : victim.client.Post(path, victim.cookies(), form);
      REQUIRE(refused);
      CHECK(refused->status == 403);
      CHECK(refused->get_header_value("Content-Type").starts_with("text/html"));
    }
  }
  CHECK(forms >= 12);
  // Nothing was written, and the victim is still signed in (sign-out was refused too).
  CHECK(table_row_counts(database) == counts_before);
  CHECK(victim.client.Get("/admin/", victim.cookies())->status == 200);
  for (const char* path : {"/status", "/status/change"}) {
    CAPTURE(path);
    httplib::Client portal("127.0.0.1", server.port());
    const auto refused = portal.Post(path, httplib::Params{{"claim", hostile.claim_number}, {"zip", "94105"}});
    CHECK(refused->status == 403);
  }
}

TEST_CASE("a session id planted before sign-in is never the one issued, nor upgraded by it") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  add_user(database, "eve", "auditor");
  ServerProcess server(database);
  // An id the attacker made up, planted in the victim's browser.
  Browser victim(server.port());
  victim.session = "planted-by-the-attacker-0123456789abcdefghijk";
  const std::string planted = victim.session;
  REQUIRE(victim.sign_in("alice", password_of("alice"))->status == 303);
  CHECK(victim.session != planted);
  Browser attacker(server.port());
  attacker.session = planted;
  CHECK(attacker.client.Get("/admin/", attacker.cookies())->status == 303);
  // A real session of the attacker's own, planted before the victim signs in, stays the
  // attacker's: it never becomes the administrator's.
  Browser eve(server.port());
  REQUIRE(eve.sign_in("eve", password_of("eve"))->status == 303);
  Browser second_victim(server.port());
  second_victim.session = eve.session;
  REQUIRE(second_victim.sign_in("alice", password_of("alice"))->status == 303);
  CHECK(second_victim.session != eve.session);
  CHECK(second_victim.client.Get("/admin/users", second_victim.cookies())->status == 200);
  CHECK(eve.client.Get("/admin/users", eve.cookies())->status == 403);
  // Past the absolute timeout a session ends, however active it is.
  database.execute("UPDATE sessions SET created_at = now() - interval '13 hours', "
                   "absolute_expires_at = now() - interval '1 hour'");
  CHECK(second_victim.client.Get("/admin/", second_victim.cookies())->status == 303);
}

TEST_CASE("missing, forged, malformed, revoked and disabled users' bearer tokens get 401") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  add_user(database, "dora", "auditor");
  const std::string token = token_for(database, "alice");
  const std::string revoked = token_for(database, "alice");
  const std::string disabled = token_for(database, "dora");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const json revoked_id = json::parse(client.Get("/api/v1/tokens", bearer(token))->body)["items"][1]["id"];
  REQUIRE(client.Post("/api/v1/tokens/" + revoked_id.dump() + "/revoke", bearer(revoked), "", "application/json")->status == 200);
  database.execute("UPDATE users SET disabled_at = now() WHERE username = 'dora'");
  security::initialize();
  const std::vector<std::pair<std::string, httplib::Headers>> attempts = {
      {"no header", {}},
      {"empty bearer", {{"Authorization", "Bearer "}}},
      {"forged", bearer("dsb_" + security::random_token())},
      {"revoked", bearer(revoked)},
      {"disabled user", bearer(disabled)},
      {"extra character", bearer(token + "x")},
      {"truncated", bearer(token.substr(0, token.size() - 1))},
      {"other scheme", {{"Authorization", "Basic " + token}}},
      {"injection", bearer("' OR 1=1--")},
      {"token digest", bearer(security::sha256_hex(token))},
      {"very long", bearer(std::string(6000, 'A'))},
  };
  for (const auto& [name, headers] : attempts) {
    CAPTURE(name);
    const auto refused = client.Get("/api/v1/programs", headers);
    REQUIRE(refused);
    CHECK(refused->status == 401);
    CHECK(refused->get_header_value("WWW-Authenticate") == "Bearer");
    CHECK(refused->get_header_value("Content-Type") == "application/problem+json");
  }
  CHECK(client.Get("/api/v1/programs", bearer(token))->status == 200);
}

TEST_CASE("a reviewer's token cannot create users, approve batches or raise its own role") {
  TestDatabase database;
  const DraftBatch draft = draft_batch(database);
  add_user(database, "rita", "reviewer");
  const std::string token = token_for(database, "rita");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const std::int64_t users_before = rows_in(database, "users");
  // Headers that some systems trust for identity change nothing here.
  httplib::Headers headers = bearer(token);
  for (const char* name : {"X-User", "X-Forwarded-User", "X-Role", "X-Remote-User"}) headers.emplace(name, "admin");
  for (const std::string& body :
       {std::string(R"({"username":"rita2","role":"admin","password":"a long enough password"})"),
        std::string(R"({"username":"rita","role":"admin","password":"a long enough password"})")}) {
    CHECK(client.Post("/api/v1/users", headers, body, "application/json")->status == 403);
  }
  headers.emplace("Idempotency-Key", "escalate");
  const std::string batch = "/api/v1/batches/" + std::to_string(draft.batch_id);
  CHECK(client.Post(batch + "/approve", headers, "", "application/json")->status == 403);
  CHECK(client.Post(batch + "/cancel", headers, "", "application/json")->status == 403);
  CHECK(client.Post("/api/v1/programs/" + std::to_string(draft.program_id) + "/close", headers, "",
                    "application/json")->status == 403);
  CHECK(rows_in(database, "users") == users_before);
  CHECK(database.scalar("SELECT role FROM users WHERE username = 'rita'") == "reviewer");
  CHECK(database.scalar("SELECT state FROM batches WHERE id = " + std::to_string(draft.batch_id)) == "draft");
  // No route changes a user once created: users are only listed and added.
  for (const auto& route : registered_routes(database)) {
    if (route.pattern.find("/users") == std::string::npos) continue;
    CAPTURE(route.pattern);
    CHECK((route.pattern == "/api/v1/users" || route.pattern == "/admin/users"));
  }
  // The console refuses the reviewer the same way, with a valid form token.
  Browser reviewer(server.port());
  REQUIRE(reviewer.sign_in("rita", password_of("rita"))->status == 303);
  const std::string csrf = form_csrf(reviewer.client.Get("/admin/", reviewer.cookies())->body);
  const auto added = reviewer.client.Post(
      "/admin/users", reviewer.cookies(),
      httplib::Params{{"csrf", csrf}, {"username", "rita3"}, {"role", "admin"}, {"password", "a long enough password"}});
  CHECK(added->status == 403);
  const auto approved = reviewer.client.Post("/admin/batches/" + std::to_string(draft.batch_id) + "/approve",
                                             reviewer.cookies(), httplib::Params{{"csrf", csrf}});
  CHECK(approved->status == 403);
  CHECK(rows_in(database, "users") == users_before);
  CHECK(database.scalar("SELECT state FROM batches WHERE id = " + std::to_string(draft.batch_id)) == "draft");
}

TEST_CASE("one user's token never acts as another: maker-checker, tokens and idempotency keys") {
  TestDatabase database;
  const DraftBatch draft = draft_batch(database);
  const std::string maker = token_for(database, "maker");
  const std::string maker_again = token_for(database, "maker");
  const std::string checker = token_for(database, "checker");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const std::string approve = "/api/v1/batches/" + std::to_string(draft.batch_id) + "/approve";
  // A second token of the maker's own is still the maker.
  const auto self_approved = client.Post(approve, bearer(maker_again), "", "application/json");
  CHECK(self_approved->status >= 400);
  CHECK(self_approved->status < 500);
  CHECK(database.scalar("SELECT state FROM batches WHERE id = " + std::to_string(draft.batch_id)) == "draft");
  // The maker cannot revoke, or even see, the checker's token.
  const json checker_tokens = json::parse(client.Get("/api/v1/tokens", bearer(checker))->body)["items"];
  const std::string checker_token_id = checker_tokens[0]["id"].dump();
  CHECK(client.Post("/api/v1/tokens/" + checker_token_id + "/revoke", bearer(maker), "", "application/json")->status == 404);
  for (const json& item : json::parse(client.Get("/api/v1/tokens", bearer(maker))->body)["items"]) {
    CHECK(item["id"].dump() != checker_token_id);
  }
  CHECK(client.Get("/api/v1/programs", bearer(checker))->status == 200);
  // An Idempotency-Key is the key of its user: the checker reusing the maker's key gets no replay
  // of the maker's answer.
  httplib::Headers maker_keyed = bearer(maker);
  maker_keyed.emplace("Idempotency-Key", "shared-key");
  const std::string body = R"({"method":"paypal","max_items":1})";
  const std::string batches = "/api/v1/programs/" + std::to_string(draft.program_id) + "/batches";
  const auto made = client.Post(batches, maker_keyed, body, "application/json");
  REQUIRE(made->status == 201);
  httplib::Headers checker_keyed = bearer(checker);
  checker_keyed.emplace("Idempotency-Key", "shared-key");
  const auto checked = client.Post(approve, checker_keyed, "", "application/json");
  CHECK(checked->status == 200);
  CHECK_FALSE(checked->has_header("Idempotent-Replayed"));
  CHECK(json::parse(checked->body)["state"] == "approved");
  CHECK(database.scalar("SELECT actor FROM audit_log WHERE action = 'batch.approve' ORDER BY id DESC LIMIT 1") ==
        "checker");
}

TEST_CASE("a bearer token stops working when it expires, and its lifetime is bounded") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  // Created through the API with a lifetime of its own; listed with its expiry.
  const auto created = client.Post("/api/v1/tokens", bearer(token), R"({"name":"ci","days":7})",
                                   "application/json");
  REQUIRE(created->status == 201);
  const json short_lived = json::parse(created->body);
  CHECK(database.scalar("SELECT (expires_at - created_at) = interval '7 days' FROM api_tokens "
                        "WHERE id = " + short_lived["id"].dump()) == "t");
  const json listed = json::parse(client.Get("/api/v1/tokens", bearer(token))->body)["items"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[1]["expires_at"] == short_lived["expires_at"]);
  CHECK(listed[1]["expired"] == false);
  const std::string short_token = short_lived["token"];
  CHECK(client.Get("/api/v1/programs", bearer(short_token))->status == 200);
  database.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = " +
                   short_lived["id"].dump());
  const auto refused = client.Get("/api/v1/programs", bearer(short_token));
  CHECK(refused->status == 401);
  CHECK(json::parse(client.Get("/api/v1/tokens", bearer(token))->body)["items"][1]["expired"] == true);
  // The other token is untouched; lifetimes outside 1 to 365 days, or not whole numbers, are refused.
  CHECK(client.Get("/api/v1/programs", bearer(token))->status == 200);
  for (const std::string body : {R"({"days":0})", R"({"days":366})", R"({"days":4294967386})",
                                 R"({"days":-1})", R"({"days":"30"})", R"({"days":1.5})"}) {
    CAPTURE(body);
    CHECK(client.Post("/api/v1/tokens", bearer(token), body, "application/json")->status == 400);
  }
  CHECK(database.scalar("SELECT count(*) FROM api_tokens") == "2");
  // The command line takes --days the same way.
  const CommandResult refused_cli = run_disburse(
      database, {"token", "create", "--days", "0", "--as", "alice"}, password_of("alice") + "\n");
  CHECK(refused_cli.exit_code == 2);
  const CommandResult created_cli = run_disburse(
      database, {"token", "create", "--days", "30", "--as", "alice"}, password_of("alice") + "\n");
  REQUIRE(created_cli.exit_code == 0);
  const json cli_token = json::parse(created_cli.out);
  CHECK(database.scalar("SELECT (expires_at - created_at) = interval '30 days' FROM api_tokens "
                        "WHERE id = " + cli_token["id"].dump()) == "t");
}
