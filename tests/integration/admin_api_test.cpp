#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "support.hpp"

using namespace disburse::testing;
using nlohmann::json;

TEST_CASE("auditors read and verify the audit log and other roles may not") {
  TestDatabase database;
  ServerProcess server(database);
  add_user(database, "alice", "admin");
  add_user(database, "audrey", "auditor");
  add_user(database, "fran", "finance");
  run_disburse(database, {"program", "create", "--name", "Ring", "--fund", "100.00"});
  httplib::Client client("127.0.0.1", server.port());
  const std::string auditor = token_for(database, "audrey");
  const auto listed = client.Get("/api/v1/audit?action=program.&limit=10", bearer(auditor));
  REQUIRE(listed->status == 200);
  const json items = json::parse(listed->body)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["action"] == "program.create");
  CHECK(items[0]["details"]["fund_cents"] == 10000);
  const auto verified = client.Get("/api/v1/audit/verification", bearer(auditor));
  CHECK(json::parse(verified->body)["ok"] == true);
  CHECK(client.Get("/api/v1/audit", bearer(token_for(database, "fran")))->status == 403);
  CHECK(client.Get("/api/v1/audit?program_id=abc", bearer(auditor))->status == 400);
}

TEST_CASE("admins manage users over the API and tokens belong to their user") {
  TestDatabase database;
  ServerProcess server(database);
  add_user(database, "alice", "admin");
  add_user(database, "fran", "finance");
  httplib::Client client("127.0.0.1", server.port());
  const std::string admin = token_for(database, "alice");
  const auto added = client.Post("/api/v1/users", bearer(admin),
                                 R"({"username":"rita","role":"reviewer","password":"a long password here"})",
                                 "application/json");
  REQUIRE(added->status == 201);
  CHECK(json::parse(added->body)["role"] == "reviewer");
  CHECK(client.Post("/api/v1/users", bearer(token_for(database, "fran")),
                    R"({"username":"eve","role":"admin","password":"a long password here"})",
                    "application/json")->status == 403);
  CHECK(json::parse(client.Get("/api/v1/users", bearer(admin))->body)["items"].size() == 3);

  const std::string finance = token_for(database, "fran");
  const auto created = client.Post("/api/v1/tokens", bearer(finance), R"({"name":"script"})", "application/json");
  REQUIRE(created->status == 201);
  const json token = json::parse(created->body);
  const std::string secret = token["token"];
  CHECK(client.Get("/api/v1/programs", bearer(secret))->status == 200);
  const std::string revoke_path = "/api/v1/tokens/" + std::to_string(token["id"].get<int>()) + "/revoke";
  CHECK(client.Post(revoke_path, bearer(admin), "", "application/json")->status == 404);
  CHECK(client.Post(revoke_path, bearer(finance), "", "application/json")->status == 200);
  CHECK(client.Get("/api/v1/programs", bearer(secret))->status == 401);
  CHECK(database.scalar("SELECT count(*) FROM api_tokens WHERE token_sha256 = '" + secret + "'") == "0");
}

TEST_CASE("a program's windows are refused out of range however large, never wrapped into range") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  // 4294967326 wraps to 30 as a 32-bit int: it must be refused, not taken as 30 days.
  for (const std::string window : {"4294967326", "-1", "0", "3651", "\"30\"", "30.5"}) {
    CAPTURE(window);
    const std::string body = R"({"name":"Wide","fund":"100.00","paypal_window_days":)" + window + "}";
    CHECK(client.Post("/api/v1/programs", bearer(token), body, "application/json")->status == 400);
  }
  CHECK(database.scalar("SELECT count(*) FROM programs") == "0");
  const auto created = client.Post("/api/v1/programs", bearer(token),
                                   R"({"name":"Wide","fund":"100.00","paypal_window_days":45})",
                                   "application/json");
  REQUIRE(created->status == 201);
  CHECK(database.scalar("SELECT paypal_window_days FROM programs") == "45");
}
