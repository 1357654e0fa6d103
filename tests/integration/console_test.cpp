#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdlib>

#include "disburse/security/crypto.hpp"
#include "console_browser.hpp"
#include "support.hpp"

using namespace disburse::testing;

TEST_CASE("console pages send visitors without a session to the sign-in page") {
  TestDatabase database;
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  for (const char* path : {"/admin/", "/admin/audit", "/admin/users"}) {
    CAPTURE(path);
    const auto response = client.Get(path);
    CHECK(response->status == 303);
    CHECK(response->get_header_value("Location") == "/admin/login");
  }
  const auto form = client.Get("/admin/login");
  CHECK(form->status == 200);
  CHECK(form->body.find("name=\"username\"") != std::string::npos);
  CHECK(form->body.find("name=\"password\"") != std::string::npos);
  CHECK(form->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
}

TEST_CASE("signing in needs the form's token and opens a strict, HttpOnly, hashed session") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  ServerProcess server(database);
  Browser browser(server.port());
  browser.client.Get("/admin/login");
  const auto forged = browser.client.Post(
      "/admin/login", httplib::Params{{"csrf", "00"}, {"username", "alice"}, {"password", password_of("alice")}});
  CHECK(forged->status == 403);
  const auto signed_in = browser.sign_in("alice", password_of("alice"));
  CHECK(signed_in->status == 303);
  CHECK(signed_in->get_header_value("Location") == "/admin/");
  const std::string cookie = set_cookie_line(signed_in, "disburse_session");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(browser.session.size() >= 43);
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE id_sha256 = '" + browser.session + "'") == "0");
  disburse::security::initialize();
  CHECK(database.scalar("SELECT count(*) FROM sessions WHERE id_sha256 = '" +
                        disburse::security::sha256_hex(browser.session) + "'") == "1");
  const auto dashboard = browser.client.Get("/admin/", browser.cookies());
  CHECK(dashboard->status == 200);
  CHECK(dashboard->body.find("<h1>Dashboard</h1>") != std::string::npos);
}

TEST_CASE("sign-in is throttled after five failures, even with the right password") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  ServerProcess server(database);
  Browser browser(server.port());
  for (int attempt = 0; attempt < 5; attempt++) {
    CHECK(browser.sign_in("alice", "wrong password number " + std::to_string(attempt))->status == 401);
  }
  const auto throttled = browser.sign_in("alice", password_of("alice"));
  CHECK(throttled->status == 429);
  CHECK(throttled->has_header("Retry-After"));
  CHECK(browser.session.empty());
}

TEST_CASE("console forms without the session's token are refused") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  ServerProcess server(database);
  Browser browser(server.port());
  browser.sign_in("alice", password_of("alice"));
  const auto refused = browser.client.Post("/admin/tokens", browser.cookies(),
                                           httplib::Params{{"name", "sneaky"}, {"csrf", "forged"}});
  CHECK(refused->status == 403);
  CHECK(database.scalar("SELECT count(*) FROM api_tokens") == "0");
  const auto page = browser.client.Get("/admin/users", browser.cookies());
  const auto created = browser.client.Post("/admin/tokens", browser.cookies(),
                                           httplib::Params{{"name", "ok"}, {"csrf", form_csrf(page->body)}});
  CHECK(created->status == 200);
  CHECK(created->body.find("dsb_") != std::string::npos);
}

TEST_CASE("each role sees only its screens") {
  TestDatabase database;
  add_user(database, "audrey", "auditor");
  add_user(database, "fran", "finance");
  ServerProcess server(database);
  Browser auditor(server.port());
  auditor.sign_in("audrey", password_of("audrey"));
  CHECK(auditor.client.Get("/admin/audit", auditor.cookies())->status == 200);
  CHECK(auditor.client.Get("/admin/users", auditor.cookies())->status == 403);
  Browser finance(server.port());
  finance.sign_in("fran", password_of("fran"));
  CHECK(finance.client.Get("/admin/", finance.cookies())->status == 200);
  CHECK(finance.client.Get("/admin/audit", finance.cookies())->status == 403);
  CHECK(finance.client.Get("/admin/users", finance.cookies())->status == 403);
}

TEST_CASE("signing out and idling past the timeout both end the session") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  ServerProcess server(database);
  Browser first(server.port());
  first.sign_in("alice", password_of("alice"));
  const auto page = first.client.Get("/admin/", first.cookies());
  CHECK(first.client.Post("/admin/logout", first.cookies(), httplib::Params{{"csrf", form_csrf(page->body)}})->status == 303);
  CHECK(first.client.Get("/admin/", first.cookies())->status == 303);
  Browser second(server.port());
  second.sign_in("alice", password_of("alice"));
  CHECK(second.client.Get("/admin/", second.cookies())->status == 200);
  database.execute("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'");
  CHECK(second.client.Get("/admin/", second.cookies())->status == 303);
}

TEST_CASE("imported text is escaped on every console page") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  run_disburse(database, {"program", "create", "--name", "<script>alert(1)</script>", "--fund", "10.00"});
  ServerProcess server(database);
  Browser browser(server.port());
  browser.sign_in("alice", password_of("alice"));
  for (const char* path : {"/admin/", "/admin/audit"}) {
    CAPTURE(path);
    const auto page = browser.client.Get(path, browser.cookies());
    CHECK(page->status == 200);
    CHECK(page->body.find("<script>alert(1)") == std::string::npos);
  }
}

TEST_CASE("an administrator signs in and works the console in a real browser") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  run_disburse(database, {"program", "create", "--name", "FTC v. Ring", "--fund", "5800000.00",
                          "--reserve", "200000.00"});
  ServerProcess server(database);
  const std::string command = "node '" + std::string(DISBURSE_SOURCE_DIR) +
                              "/tests/e2e/console.mjs' http://127.0.0.1:" +
                              std::to_string(server.port()) + " alice '" + password_of("alice") +
                              "' '" + std::string(DISBURSE_SOURCE_DIR) + "/build/screenshots'";
  CHECK(std::system(command.c_str()) == 0);
}
