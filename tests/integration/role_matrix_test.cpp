// Walks every registered API route with every role (and with no token) and checks the server's
// answer against the permission this table says the route needs. The table is the spec: a new
// route fails this test until it is added here.

#include <doctest/doctest.h>
#include <httplib.h>

#include <map>
#include <optional>
#include <regex>

#include "disburse/domain/roles.hpp"
#include "disburse/http/server.hpp"
#include "support.hpp"

using namespace disburse;
using namespace disburse::testing;
using domain::Permission;

namespace {

// nullopt: public (no token needed).
const std::map<std::string, std::optional<Permission>> route_permissions = {
    {"GET /healthz", std::nullopt},
    {"GET /readyz", std::nullopt},
    {"GET /metrics", std::nullopt},
    {"GET /api/v1/openapi.json", std::nullopt},
    {"GET /api/v1/status", std::nullopt},
    {"GET /api/v1/programs", Permission::read_program},
    {"POST /api/v1/programs", Permission::manage_program},
    {"GET /api/v1/programs/{id}", Permission::read_program},
    {"GET /api/v1/programs/{id}/weighting-rule", Permission::read_program},
    {"POST /api/v1/programs/{id}/weighting-rule", Permission::manage_program},
    {"POST /api/v1/programs/{id}/allocations", Permission::run_allocation},
    {"GET /api/v1/programs/{id}/allocations", Permission::read_program},
    {"GET /api/v1/allocations/{id}", Permission::read_program},
    {"POST /api/v1/allocations/{id}/approve", Permission::run_allocation},
    {"GET /api/v1/allocations/{id}/explain", Permission::read_program},
    {"GET /api/v1/allocations/{id}/shares.csv", Permission::read_program},
    {"POST /api/v1/programs/{id}/imports", Permission::import_lists},
    {"GET /api/v1/programs/{id}/imports", Permission::read_program},
    {"GET /api/v1/imports/{id}", Permission::read_program},
    {"GET /api/v1/imports/{id}/rejected.csv", Permission::import_lists},
    {"GET /api/v1/claims", Permission::read_program},
    {"GET /api/v1/claims/{claim_number}", Permission::read_program},
    {"POST /api/v1/claims/{claim_number}/decisions", Permission::review_claims},
    {"POST /api/v1/programs/{id}/batches", Permission::manage_batches},
    {"GET /api/v1/programs/{id}/batches", Permission::read_program},
    {"GET /api/v1/programs/{id}/check", Permission::read_program},
    {"GET /api/v1/batches/{id}", Permission::read_program},
    {"POST /api/v1/batches/{id}/approve", Permission::manage_batches},
    {"POST /api/v1/batches/{id}/cancel", Permission::manage_batches},
    {"GET /api/v1/batches/{id}/file", Permission::manage_batches},
    {"POST /api/v1/batches/{id}/results", Permission::reconcile},
    {"GET /api/v1/reconciliations/{id}", Permission::read_program},
    {"GET /api/v1/reconciliations/{id}/report.csv", Permission::export_reports},
    {"POST /api/v1/payments/{id}/reissue", Permission::reconcile},
    {"GET /api/v1/programs/{id}/exports/{kind}.csv", Permission::export_reports},
    {"POST /api/v1/programs/{id}/expire", Permission::reconcile},
    {"POST /api/v1/programs/{id}/close", Permission::close_program},
    {"POST /api/v1/programs/{id}/purge", Permission::close_program},
    {"GET /api/v1/audit", Permission::read_audit},
    {"GET /api/v1/audit/verification", Permission::read_audit},
    {"GET /api/v1/users", Permission::manage_users},
    {"POST /api/v1/users", Permission::manage_users},
    {"GET /api/v1/tokens", Permission::read_program},
    {"POST /api/v1/tokens", Permission::read_program},
    {"POST /api/v1/tokens/{id}/revoke", Permission::read_program},
};

std::string concrete_path(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex(R"(\{[a-z_]+\})"), "1");
}

int status_of(httplib::Client& client, const std::string& method, const std::string& path,
              const std::string& token) {
  httplib::Headers headers = {{"Idempotency-Key", "role-matrix"}};
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  const auto response = method == "GET" ? client.Get(path, headers)
                                        : client.Post(path, headers, "{}", "application/json");
  return response ? response->status : 0;
}

}  // namespace

TEST_CASE("every API route answers each role exactly as the permission table says") {
  TestDatabase database;
  const std::map<domain::Role, std::string> users = {{domain::Role::admin, "ada"},
                                                     {domain::Role::reviewer, "rita"},
                                                     {domain::Role::finance, "fran"},
                                                     {domain::Role::auditor, "audrey"}};
  // Routes are called with id 1; token 1 belongs to a bystander, so that walking the revoke
  // route does not revoke a token the walk still needs.
  add_user(database, "bystander", "auditor");
  token_for(database, "bystander");
  std::map<domain::Role, std::string> tokens;
  for (const auto& [role, name] : users) {
    add_user(database, name, std::string(domain::to_string(role)));
    tokens[role] = token_for(database, name);
  }
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  const app::Config config;
  const security::SecretBox secrets(std::string(32, 'k'));
  const http::HttpServer routes(config, database.database(), secrets);
  for (const auto& route : routes.routes()) {
    const bool api = route.pattern.starts_with("/api/") || route.pattern == "/healthz" ||
                     route.pattern == "/readyz" || route.pattern == "/metrics";
    if (!api) continue;
    const std::string key = route.method + " " + route.pattern;
    CAPTURE(key);
    REQUIRE_MESSAGE(route_permissions.contains(key), "add the route to the permission table");
    const auto permission = route_permissions.at(key);
    const std::string path = concrete_path(route.pattern);
    if (!permission) continue;
    CHECK(status_of(client, route.method, path, "") == 401);
    for (const auto& [role, token] : tokens) {
      CAPTURE(domain::to_string(role));
      const int status = status_of(client, route.method, path, token);
      if (domain::role_allows(role, *permission)) {
        CHECK(status != 401);
        CHECK(status != 403);
      } else {
        CHECK(status == 403);
      }
    }
  }
}
