// Tests that stop the shared PostgreSQL cluster, so ctest runs them alone (RUN_SERIAL).

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cluster_control.hpp"
#include "support.hpp"

using namespace disburse::testing;

namespace {

int readyz_status(httplib::Client& client) {
  const auto response = client.Get("/readyz");
  return response ? response->status : 0;
}

}  // namespace

TEST_CASE("readyz is 503 while the database is down and 200 again once it is back") {
  TestDatabase database;
  ServerProcess server(database, {{"DISBURSE_POOL_ACQUIRE_TIMEOUT_MS", "500"}});
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(10, 0);
  CHECK(readyz_status(client) == 200);
  dev_db("stop");
  CHECK(readyz_status(client) == 503);
  CHECK(client.Get("/healthz")->status == 200);
  dev_db("start");
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
    status = readyz_status(client);
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(status == 200);
}
