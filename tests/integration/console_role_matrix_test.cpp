// Walks every registered console route (/admin…, GET and POST) with no session and with a
// session of every role, and checks the server's answer against the access this table says the
// route needs: without a session, the sign-in page (a redirect); with a role that lacks the
// permission, the console's 403 page. The table is the spec: a new /admin route fails this test
// until it is added here, and an entry without a route fails it too.

#include <doctest/doctest.h>
#include <httplib.h>

#include <map>
#include <regex>
#include <set>

#include "console_browser.hpp"
#include "disburse/domain/roles.hpp"
#include "disburse/http/server.hpp"
#include "support.hpp"

using namespace disburse;
using namespace disburse::testing;
using domain::Permission;

namespace {

struct Access {
  enum class Kind { anyone, signed_in, permission };
  Kind kind = Kind::signed_in;
  Permission permission = Permission::read_program;
  bool ends_session = false;  // Signing out: its answer is the sign-in page, and the session ends.
};

const Access anyone{Access::Kind::anyone};
// Any signed-in user, whatever the role (signing out, revoking one's own token).
const Access any_user{Access::Kind::signed_in};
const Access signs_out{Access::Kind::signed_in, Permission::read_program, true};
Access needs(Permission permission) {
  return {Access::Kind::permission, permission};
}

const std::map<std::string, Access> console_routes = {
    {"GET /admin/login", anyone},
    {"POST /admin/login", anyone},
    {"GET /admin", anyone},  // Only a redirect to /admin/.
    {"POST /admin/logout", signs_out},
    {"GET /admin/", needs(Permission::read_program)},
    {"GET /admin/audit", needs(Permission::read_audit)},
    {"GET /admin/users", needs(Permission::manage_users)},
    {"POST /admin/users", needs(Permission::manage_users)},
    {"POST /admin/tokens", needs(Permission::manage_users)},
    {"POST /admin/tokens/{id}/revoke", any_user},
    {"GET /admin/claims", needs(Permission::read_program)},
    {"GET /admin/claims/{claim_number}", needs(Permission::read_program)},
    {"POST /admin/claims/{claim_number}/reveal", needs(Permission::reveal_personal_data)},
    {"POST /admin/claims/{claim_number}/decisions", needs(Permission::review_claims)},
    {"GET /admin/batches", needs(Permission::read_program)},
    {"GET /admin/programs/{id}/batches", needs(Permission::read_program)},
    {"POST /admin/programs/{id}/batches", needs(Permission::manage_batches)},
    {"GET /admin/batches/{id}", needs(Permission::read_program)},
    {"POST /admin/batches/{id}/approve", needs(Permission::manage_batches)},
    {"POST /admin/batches/{id}/cancel", needs(Permission::manage_batches)},
    {"POST /admin/batches/{id}/file", needs(Permission::manage_batches)},
    {"POST /admin/batches/{id}/results", needs(Permission::reconcile)},
    {"GET /admin/reconciliations/{id}", needs(Permission::read_program)},
    {"GET /admin/reconciliations/{id}/report.csv", needs(Permission::export_reports)},
    {"GET /admin/allocations", needs(Permission::read_program)},
    {"GET /admin/programs/{id}/allocations", needs(Permission::read_program)},
    {"POST /admin/programs/{id}/allocations", needs(Permission::run_allocation)},
    {"GET /admin/allocations/{id}", needs(Permission::read_program)},
    {"POST /admin/allocations/{id}/approve", needs(Permission::run_allocation)},
    {"GET /admin/allocations/{id}/shares.csv", needs(Permission::read_program)},
    {"GET /admin/exports", needs(Permission::read_program)},  // Only a redirect to the program's.
    {"GET /admin/programs/{id}/exports", needs(Permission::export_reports)},
    {"GET /admin/programs/{id}/exports/{kind}.csv", needs(Permission::export_reports)},
    {"GET /admin/settings", needs(Permission::read_program)},
    {"GET /admin/programs/new", needs(Permission::manage_program)},
    {"POST /admin/programs", needs(Permission::manage_program)},
    {"GET /admin/programs/{id}/settings", needs(Permission::read_program)},
    {"POST /admin/programs/{id}/weighting-rule", needs(Permission::manage_program)},
    {"GET /admin/imports", needs(Permission::read_program)},
    {"POST /admin/imports", needs(Permission::import_lists)},
    {"GET /admin/imports/{id}", needs(Permission::read_program)},
    {"GET /admin/imports/{id}/progress", needs(Permission::read_program)},
    {"GET /admin/imports/{id}/rejected.csv", needs(Permission::import_lists)},
};

std::string concrete_path(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex(R"(\{[a-z_]+\})"), "1");
}

bool is_console(const std::string& pattern) {
  return pattern == "/admin" || pattern.starts_with("/admin/");
}

httplib::Result request(Browser& browser, const std::string& method, const std::string& path,
                        const std::string& csrf) {
  if (method == "GET") return browser.client.Get(path, browser.cookies());
  return browser.client.Post(path, browser.cookies(), httplib::Params{{"csrf", csrf}});
}

struct SignedInRole {
  std::string name;
  Browser browser;
  std::string csrf;

  SignedInRole(int port, std::string user) : name(std::move(user)), browser(port) { sign_in(); }

  void sign_in() {
    REQUIRE(browser.sign_in(name, password_of(name))->status == 303);
    csrf = form_csrf(browser.client.Get("/admin/", browser.cookies())->body);
  }

  // Signing out is one of the routes walked: the walk signs in again after it.
  void keep_signed_in() {
    if (browser.client.Get("/admin/", browser.cookies())->status != 200) sign_in();
  }
};

void check_without_session(int port, const std::string& method, const std::string& path) {
  Browser stranger(port);
  const auto response = request(stranger, method, path, "");
  REQUIRE(response);
  CHECK(response->status == 303);
  CHECK(response->get_header_value("Location") == "/admin/login");
}

void check_role(SignedInRole& role, const std::string& method, const std::string& path,
                bool allowed, bool ends_session) {
  const auto response = request(role.browser, method, path, role.csrf);
  REQUIRE(response);
  if (ends_session) {
    CHECK(response->status == 303);
    CHECK(role.browser.client.Get("/admin/", role.browser.cookies())->status == 303);
  } else if (allowed) {
    CHECK(response->status != 403);
    CHECK(response->status < 500);
    if (response->status == 303) CHECK(response->get_header_value("Location") != "/admin/login");
  } else {
    CHECK(response->status == 403);
    CHECK(response->get_header_value("Content-Type").starts_with("text/html"));
    CHECK(response->body.find("Not allowed") != std::string::npos);
  }
  role.keep_signed_in();
}

}  // namespace

TEST_CASE("every console route answers no session and each role exactly as the access table says") {
  TestDatabase database;
  // Program 1 exists, so that its pages go past the lookup; ids that do not exist answer 404,
  // which must still come after the permission check. Token 1 belongs to a bystander.
  REQUIRE(run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "1000.00"})
              .exit_code == 0);
  add_user(database, "bystander", "auditor");
  token_for(database, "bystander");
  const std::map<domain::Role, std::string> users = {{domain::Role::admin, "ada"},
                                                     {domain::Role::reviewer, "rita"},
                                                     {domain::Role::finance, "fran"},
                                                     {domain::Role::auditor, "audrey"}};
  for (const auto& [role, name] : users)
    add_user(database, name, std::string(domain::to_string(role)));
  ServerProcess server(database);
  std::map<domain::Role, std::unique_ptr<SignedInRole>> sessions;
  for (const auto& [role, name] : users)
    sessions[role] = std::make_unique<SignedInRole>(server.port(), name);

  const app::Config config;
  const security::SecretBox secrets(std::string(32, 'k'));
  const http::HttpServer routes(config, database.database(), secrets);
  std::set<std::string> walked;
  for (const auto& route : routes.routes()) {
    if (!is_console(route.pattern)) continue;
    const std::string key = route.method + " " + route.pattern;
    CAPTURE(key);
    REQUIRE_MESSAGE(console_routes.contains(key), "add the console route to the access table");
    walked.insert(key);
    const Access access = console_routes.at(key);
    if (access.kind == Access::Kind::anyone) continue;
    const std::string path = concrete_path(route.pattern);
    check_without_session(server.port(), route.method, path);
    for (auto& [role, session] : sessions) {
      CAPTURE(domain::to_string(role));
      const bool allowed =
          access.kind == Access::Kind::signed_in || domain::role_allows(role, access.permission);
      check_role(*session, route.method, path, allowed, access.ends_session);
    }
  }
  for (const auto& [key, access] : console_routes) {
    CAPTURE(key);
    CHECK_MESSAGE(walked.contains(key), "the access table names a route the server does not have");
  }
}
