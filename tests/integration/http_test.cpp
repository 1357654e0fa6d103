#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "disburse/http/server.hpp"
#include "support.hpp"

using namespace disburse;
using namespace disburse::testing;
using nlohmann::json;

namespace {


const std::string ring_body = R"({"name":"FTC v. Ring","fund":"5800000.00","reserve":"200000.00","min_payment":"10.00"})";

}  // namespace

TEST_CASE("health, readiness and metrics answer without credentials") {
  TestDatabase database;
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  CHECK(client.Get("/healthz")->status == 200);
  const auto ready = client.Get("/readyz");
  CHECK(ready->status == 200);
  CHECK(json::parse(ready->body)["status"] == "ready");
  const auto metrics = client.Get("/metrics");
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("disburse_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1") !=
        std::string::npos);
  CHECK(metrics->body.find("disburse_http_request_duration_seconds_bucket") != std::string::npos);
  CHECK(metrics->body.find("disburse_db_pool_size") != std::string::npos);
  // The server queues its periodic jobs (the cure-deadline sweep), so queued is not zero.
  CHECK(metrics->body.find("disburse_jobs{state=\"failed\"} 0") != std::string::npos);
}

TEST_CASE("errors are problem+json: unknown route, wrong method, oversized body, bad JSON") {
  TestDatabase database;
  ServerProcess server(database, {{"DISBURSE_MAX_UPLOAD_BYTES", "4096"}});
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  httplib::Client client("127.0.0.1", server.port());
  const auto missing = client.Get("/api/v1/nothing-here");
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("Content-Type") == "application/problem+json");
  CHECK(json::parse(missing->body)["status"] == 404);
  const auto wrong_method = client.Delete("/api/v1/programs", bearer(token));
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->get_header_value("Allow") == "GET, POST");
  const auto too_large = client.Post("/api/v1/programs", bearer(token), std::string(10000, 'x'), "application/json");
  CHECK(too_large->status == 413);
  CHECK(too_large->get_header_value("Content-Type") == "application/problem+json");
  const auto malformed = client.Post("/api/v1/programs", bearer(token), "{not json", "application/json");
  CHECK(malformed->status == 400);
  const std::string nested = std::string(100, '[') + std::string(100, ']');
  CHECK(client.Post("/api/v1/programs", bearer(token), "{\"a\":" + nested + "}", "application/json")->status == 400);
  const auto bad_amount = client.Post("/api/v1/programs", bearer(token),
                                      R"({"name":"X","fund":"1.005"})", "application/json");
  CHECK(bad_amount->status == 400);
  CHECK(json::parse(bad_amount->body)["detail"] == "fund: '1.005' has more than two decimals");
  const auto number_amount = client.Post("/api/v1/programs", bearer(token),
                                         R"({"name":"X","fund":12.5})", "application/json");
  CHECK(number_amount->status == 400);
  CHECK(missing->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(missing->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
}

TEST_CASE("the programs API needs a token and the right role") {
  TestDatabase database;
  ServerProcess server(database);
  add_user(database, "alice", "admin");
  add_user(database, "fran", "finance");
  httplib::Client client("127.0.0.1", server.port());
  CHECK(client.Get("/api/v1/programs")->status == 401);
  CHECK(client.Get("/api/v1/programs", bearer("dsb_forged"))->status == 401);
  CHECK(client.Post("/api/v1/programs", bearer(token_for(database, "fran")), ring_body, "application/json")->status == 403);
  const auto created = client.Post("/api/v1/programs", bearer(token_for(database, "alice")), ring_body, "application/json");
  REQUIRE(created->status == 201);
  const json program = json::parse(created->body);
  CHECK(program["fund_cents"] == 580000000);
  const auto listed = client.Get("/api/v1/programs", bearer(token_for(database, "fran")));
  CHECK(json::parse(listed->body)["items"].size() == 1);
  const auto shown = client.Get("/api/v1/programs/" + std::to_string(program["id"].get<int>()),
                                bearer(token_for(database, "fran")));
  CHECK(json::parse(shown->body)["name"] == "FTC v. Ring");
  CHECK(client.Get("/api/v1/programs/999", bearer(token_for(database, "fran")))->status == 404);
  CHECK(client.Get("/api/v1/programs/1%27%20OR%201=1", bearer(token_for(database, "fran")))->status == 404);
}

TEST_CASE("a replayed Idempotency-Key returns the stored response and a changed body gets 422") {
  TestDatabase database;
  ServerProcess server(database);
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  httplib::Headers headers = bearer(token);
  headers.emplace("Idempotency-Key", "create-ring-1");
  httplib::Client client("127.0.0.1", server.port());
  // Eight concurrent requests with one key create one program.
  std::vector<std::thread> threads;
  std::vector<int> statuses(8);
  for (std::size_t index = 0; index < statuses.size(); index++) {
    threads.emplace_back([&, index] {
      httplib::Client own("127.0.0.1", server.port());
      statuses[index] = own.Post("/api/v1/programs", headers, ring_body, "application/json")->status;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const int status : statuses) CHECK(status == 201);
  CHECK(database.scalar("SELECT count(*) FROM programs") == "1");
  const auto replay = client.Post("/api/v1/programs", headers, ring_body, "application/json");
  CHECK(replay->status == 201);
  CHECK(replay->get_header_value("Idempotent-Replayed") == "true");
  const auto changed = client.Post("/api/v1/programs", headers,
                                   R"({"name":"Other","fund":"1.00"})", "application/json");
  CHECK(changed->status == 422);
  CHECK(database.scalar("SELECT count(*) FROM programs") == "1");
}

TEST_CASE("SIGTERM lets the server finish and exit cleanly") {
  TestDatabase database;
  ServerProcess server(database);
  httplib::Client client("127.0.0.1", server.port());
  CHECK(client.Get("/healthz")->status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE("request logs carry route patterns, never paths, tokens or queries") {
  TestDatabase database;
  ServerProcess server(database);
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  httplib::Client client("127.0.0.1", server.port());
  client.Get("/api/v1/programs/12345?zip=94105", bearer(token));
  server.stop();
  const std::string log = server.log();
  CHECK(log.find("route=/api/v1/programs/{id}") != std::string::npos);
  CHECK(log.find("94105") == std::string::npos);
  CHECK(log.find("12345") == std::string::npos);
  CHECK(log.find(token) == std::string::npos);
}

TEST_CASE("every registered API route is documented in the OpenAPI document") {
  TestDatabase database;
  app::Config config;
  const security::SecretBox secrets(std::string(32, 'k'));
  http::HttpServer server(config, database.database(), secrets);
  std::ifstream file(std::string(DISBURSE_SOURCE_DIR) + "/docs/openapi.json");
  const json document = json::parse(file);
  for (const auto& route : server.routes()) {
    // The API and the operational endpoints are documented; HTML pages are not an API.
    const bool documented_kind = route.pattern.starts_with("/api/") || route.pattern == "/healthz" ||
                                 route.pattern == "/readyz" || route.pattern == "/metrics";
    if (!documented_kind) continue;
    CAPTURE(route.pattern);
    CAPTURE(route.method);
    std::string method = route.method;
    for (char& letter : method) letter = static_cast<char>(std::tolower(letter));
    REQUIRE(document["paths"].contains(route.pattern));
    CHECK(document["paths"][route.pattern].contains(method));
  }
}
