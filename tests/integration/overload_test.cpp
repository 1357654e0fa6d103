#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "support.hpp"

using namespace disburse::testing;

TEST_CASE("a statement blocked past the timeout answers 503 quickly instead of hanging") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  ServerProcess server(database, {{"DISBURSE_STATEMENT_TIMEOUT_MS", "300"}, {"DISBURSE_JOB_WORKERS", "0"}});
  pqxx::connection blocker(database.url());
  pqxx::work lock(blocker);
  lock.exec0("LOCK TABLE programs IN ACCESS EXCLUSIVE MODE");
  httplib::Client client("127.0.0.1", server.port());
  const auto started = std::chrono::steady_clock::now();
  const auto response = client.Get("/api/v1/programs", bearer(token));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->get_header_value("Content-Type") == "application/problem+json");
  CHECK(response->has_header("Retry-After"));
  CHECK(elapsed < std::chrono::seconds(3));
  lock.abort();
  CHECK(client.Get("/api/v1/programs", bearer(token))->status == 200);
}

TEST_CASE("when every connection is busy, further requests get 503 after the acquire timeout") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  ServerProcess server(database, {{"DISBURSE_POOL_SIZE", "2"},
                                  {"DISBURSE_POOL_ACQUIRE_TIMEOUT_MS", "200"},
                                  {"DISBURSE_STATEMENT_TIMEOUT_MS", "4000"},
                                  {"DISBURSE_JOB_WORKERS", "0"}});
  httplib::Client warm("127.0.0.1", server.port());
  REQUIRE(warm.Get("/api/v1/programs", bearer(token))->status == 200);
  pqxx::connection blocker(database.url());
  pqxx::work lock(blocker);
  lock.exec0("LOCK TABLE programs IN ACCESS EXCLUSIVE MODE");
  constexpr int request_count = 6;
  std::vector<int> statuses(request_count);
  std::vector<double> seconds(request_count);
  std::vector<std::thread> threads;
  for (int index = 0; index < request_count; index++) {
    threads.emplace_back([&, index] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_read_timeout(20, 0);
      const auto started = std::chrono::steady_clock::now();
      const auto response = client.Get("/api/v1/programs", bearer(token));
      seconds[index] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      statuses[index] = response ? response->status : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  lock.abort();
  int fast_refusals = 0;
  for (int index = 0; index < request_count; index++) {
    CAPTURE(index);
    CHECK(statuses[index] == 503);
    if (seconds[index] < 2.0) fast_refusals++;
  }
  // Two requests hold the two connections until the statement timeout; the rest are refused
  // as soon as the acquire timeout passes.
  CHECK(fast_refusals >= request_count - 2);
  CHECK(warm.Get("/api/v1/programs", bearer(token))->status == 200);
}
