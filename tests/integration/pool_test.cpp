// The connection pool against a real PostgreSQL: connections that die while idle (a database
// restart, an administrator ending sessions) are replaced, not handed out.

#include <doctest/doctest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "disburse/pg/database.hpp"
#include "support.hpp"

using namespace disburse;
using namespace disburse::testing;

namespace {

// Opens `count` connections at once (so that each is a separate one), returns them to the pool
// and gives their server process ids.
std::string open_idle_connections(pg::Database& database, int count) {
  std::vector<pg::ConnectionPool::Lease> leases;
  std::string pids;
  for (int index = 0; index < count; index++) {
    leases.push_back(database.pool().acquire());
    pids += (pids.empty() ? "" : ",") + std::to_string(leases.back().connection().backendpid());
  }
  return pids;
}

int select_one(pg::Database& database) {
  return database.read([](pg::Transaction& transaction) {
    return transaction.sql().exec1("SELECT 1")[0].as<int>();
  });
}

}  // namespace

TEST_CASE("the pool replaces idle connections whose server processes ended instead of failing") {
  TestDatabase test_database;
  pg::Database database(pg::PoolSettings{test_database.url(), 4, 1000, 5000, 5});
  const std::string pids = open_idle_connections(database, 4);
  REQUIRE(database.pool().stats().idle == 4);
  pqxx::connection admin(test_database.url());
  pqxx::nontransaction terminate(admin);
  terminate.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN (" + pids +
                 ")");
  for (int wait = 0; wait < 100; wait++) {
    const auto alive =
        terminate.exec1("SELECT count(*) FROM pg_stat_activity WHERE pid IN (" + pids + ")")[0]
            .as<int>();
    if (alive == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Every request right after is served, on fresh connections.
  for (int request = 0; request < 6; request++) CHECK(select_one(database) == 1);
  const pg::PoolStats stats = database.pool().stats();
  CHECK(stats.in_use == 0);
  CHECK(stats.idle >= 1);
  CHECK(stats.idle <= 4);
}
