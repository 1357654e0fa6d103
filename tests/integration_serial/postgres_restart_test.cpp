// PostgreSQL restarted under the server's feet while clients keep asking (issue 9, fault
// injection): the server must answer every request promptly (503 while the database is away,
// never a hang, a 500 or a dropped connection) and come back by itself once it returns.

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "cluster_control.hpp"
#include "portal_fixture.hpp"
#include "support.hpp"

using namespace disburse::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Longest acceptable wait for any answer: the pool's acquire timeout (500 ms here) plus slack
// for a loaded two-core machine.
constexpr auto answer_bound = std::chrono::seconds(3);
// Longest acceptable time from the cluster accepting connections again to the server serving.
constexpr auto recovery_bound = std::chrono::seconds(10);

struct Answer {
  Clock::time_point started;
  Clock::time_point finished;
  int status = 0;  // 0: no HTTP answer at all (refused, reset or timed out).
  std::string content_type;
  std::string path;
};

// Client threads that each repeat one GET, keep-alive, until stopped, recording every answer.
class Load {
 public:
  Load(int port, const std::vector<std::pair<std::string, httplib::Headers>>& requests) {
    for (const auto& [path, headers] : requests) {
      threads_.emplace_back([this, port, path, headers] { repeat(port, path, headers); });
    }
  }
  ~Load() { stop(); }

  void stop() {
    stopping_ = true;
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  std::vector<Answer> answers() {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  void repeat(int port, const std::string& path, const httplib::Headers& headers) {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_read_timeout(15, 0);
    while (!stopping_) {
      Answer answer;
      answer.path = path;
      answer.started = Clock::now();
      const auto response = client.Get(path.c_str(), headers);
      answer.finished = Clock::now();
      if (response) {
        answer.status = response->status;
        answer.content_type = response->get_header_value("Content-Type");
      }
      {
        std::lock_guard lock(mutex_);
        answers_.push_back(answer);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<Answer> answers_;
  std::vector<std::thread> threads_;
};

int status_of(httplib::Client& client, const std::string& path,
              const httplib::Headers& headers = {}) {
  const auto response = client.Get(path.c_str(), headers);
  return response ? response->status : 0;
}

std::string status_path(const SeededClaimant& claimant) {
  return "/api/v1/status?claim=" + claimant.claim_number + "&zip=" + claimant.zip5;
}

double milliseconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

TEST_CASE(
    "a PostgreSQL restart under load gets prompt 503s and the server recovers without a restart") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  const std::int64_t program = seed_program(database);
  std::vector<SeededClaimant> claimants;
  for (int index = 0; index < 3; index++) claimants.push_back(seed_claimant(database, program));
  ServerProcess server(database,
                       {{"DISBURSE_POOL_SIZE", "8"}, {"DISBURSE_POOL_ACQUIRE_TIMEOUT_MS", "500"}});
  const httplib::Headers admin = {{"Authorization", "Bearer " + token}};
  httplib::Client probe("127.0.0.1", server.port());
  probe.set_read_timeout(15, 0);
  REQUIRE(status_of(probe, status_path(claimants[0])) == 200);

  Load load(server.port(), {{status_path(claimants[0]), {}},
                            {status_path(claimants[1]), {}},
                            {status_path(claimants[2]), {}},
                            {"/api/v1/programs", admin}});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto stop_called = Clock::now();
  dev_db("stop");
  const auto stopped = Clock::now();
  CHECK(status_of(probe, "/readyz") == 503);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(status_of(probe, "/readyz") == 503);
  const auto start_called = Clock::now();
  dev_db("start");
  const auto started = Clock::now();
  // The server recovers by itself: ready, and both kinds of request served again.
  Clock::time_point recovered{};
  while (Clock::now() - started < recovery_bound) {
    if (status_of(probe, "/readyz") == 200 && status_of(probe, status_path(claimants[0])) == 200 &&
        status_of(probe, "/api/v1/programs", admin) == 200) {
      recovered = Clock::now();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE_MESSAGE(recovered != Clock::time_point{}, "the server did not recover: " << server.log());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  load.stop();
  CHECK(server.running());

  const std::vector<Answer> answers = load.answers();
  int before = 0, outage = 0, after = 0, unavailable = 0;
  double slowest_ms = 0;
  for (const Answer& answer : answers) {
    INFO(answer.path << " answered " << answer.status << " after "
                     << milliseconds_between(answer.started, answer.finished) << " ms");
    slowest_ms = std::max(slowest_ms, milliseconds_between(answer.started, answer.finished));
    // Every request gets an HTTP answer, promptly, and it is either served or a clean 503.
    CHECK(answer.status != 0);
    CHECK(answer.finished - answer.started < answer_bound);
    CHECK((answer.status == 200 || answer.status == 503));
    if (answer.status == 503) {
      unavailable++;
      CHECK(answer.content_type == "application/problem+json");
    }
    if (answer.finished < stop_called) {
      before++;
      CHECK(answer.status == 200);
    }
    if (answer.started > stopped && answer.finished < start_called) {
      outage++;
      CHECK(answer.status == 503);
    }
    if (answer.started > recovered) {
      after++;
      CHECK(answer.status == 200);
    }
  }
  CHECK(before > 10);
  CHECK(outage > 10);
  CHECK(after > 10);
  MESSAGE(answers.size() << " answers: " << before << " before the stop, " << outage
                         << " during the outage, " << after << " after recovery, " << unavailable
                         << " were 503; slowest " << slowest_ms << " ms; recovered "
                         << milliseconds_between(started, recovered)
                         << " ms after the cluster was back");
}

namespace {

int idle_connections(httplib::Client& client) {
  const auto response = client.Get("/metrics");
  REQUIRE(response);
  const std::string name = "\ndisburse_db_pool_idle ";
  const std::size_t at = response->body.find(name);
  REQUIRE(at != std::string::npos);
  return std::stoi(response->body.substr(at + name.size()));
}

}  // namespace

TEST_CASE(
    "after a quick PostgreSQL restart the first requests are served, not failed on stale "
    "pooled connections") {
  TestDatabase database;
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  const std::int64_t program = seed_program(database);
  const SeededClaimant claimant = seed_claimant(database, program);
  ServerProcess server(database, {{"DISBURSE_POOL_SIZE", "8"}, {"DISBURSE_JOB_WORKERS", "0"}});
  const httplib::Headers admin = {{"Authorization", "Bearer " + token}};
  httplib::Client probe("127.0.0.1", server.port());
  probe.set_read_timeout(15, 0);
  // Concurrent requests leave several open connections idle in the pool.
  for (int round = 0; round < 20 && idle_connections(probe) < 4; round++) {
    Load burst(server.port(), {{status_path(claimant), {}},
                               {status_path(claimant), {}},
                               {"/api/v1/programs", admin},
                               {"/api/v1/programs", admin},
                               {"/api/v1/programs", admin}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(idle_connections(probe) >= 4);
  // Every pooled connection dies with the restart, and nothing asks in between.
  dev_db("stop");
  dev_db("start");
  for (int request = 0; request < 8; request++) {
    CHECK(status_of(probe, status_path(claimant)) == 200);
    CHECK(status_of(probe, "/api/v1/programs", admin) == 200);
  }
  CHECK(status_of(probe, "/readyz") == 200);
}
