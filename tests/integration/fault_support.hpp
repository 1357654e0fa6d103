#pragma once
// Helpers shared by the fault-injection tests (issue 9): servers killed and restarted, uploads,
// waiting for the database to reach a state.

#include <doctest/doctest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support.hpp"

namespace disburse::testing {

// Uploads a list through the API and returns the queued import's id.
inline std::int64_t upload_list(int port, const std::string& token, std::int64_t program_id,
                                const std::string& body) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  const auto response = client.Post(
      ("/api/v1/programs/" + std::to_string(program_id) + "/imports?file_name=list.csv").c_str(),
      bearer(token), body, "text/csv");
  REQUIRE(response);
  INFO(response->body);
  REQUIRE(response->status == 202);
  return nlohmann::json::parse(response->body).at("import_id").get<std::int64_t>();
}

// Polls `condition` every 20 ms; false when `bound` passed first.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Waits until no job is running or ready to run: a server queues its periodic jobs (some of
// which write to claimants) as it starts.
inline void wait_for_quiet_job_queue(TestDatabase& database) {
  REQUIRE(eventually(
      [&] {
        return database.scalar(
                   "SELECT count(*) FROM jobs WHERE state = 'running' OR "
                   "(state = 'queued' AND run_at <= now())") == "0";
      },
      std::chrono::seconds(20)));
}

// True while some connection of the server waits for a lock.
inline bool server_waits_for_lock(TestDatabase& database) {
  return database.scalar(
             "SELECT count(*) FROM pg_stat_activity WHERE datname = "
             "current_database() AND application_name = 'disburse' AND "
             "wait_event_type = 'Lock'") != "0";
}

// The job runner's name for the workers of a server process (see `disburse serve`).
inline std::string worker_id_of(const ServerProcess& server) {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(server.pid());
}

}  // namespace disburse::testing
