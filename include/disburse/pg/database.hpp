#pragma once
// The database: a bounded connection pool and a transaction helper. This header does not
// include pqxx, so that use cases can run transactions without seeing SQL; repositories in
// src/pg reach the pqxx transaction through Transaction::sql().

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace pqxx {
class connection_base;
class dbtransaction;
}  // namespace pqxx

namespace disburse::pg {

struct PooledConnection;  // A pqxx connection; defined in database.cpp.

struct PoolSettings {
  std::string url;
  int size = 8;
  int acquire_timeout_ms = 2000;
  int statement_timeout_ms = 30000;
  int transaction_retries = 5;
};

struct PoolStats {
  int size = 0;
  int in_use = 0;
  int idle = 0;
  int waiting = 0;
};

enum class Isolation { read_committed, repeatable_read, serializable };

// One open transaction. Repositories take it by reference.
class Transaction {
 public:
  explicit Transaction(pqxx::dbtransaction& transaction) : transaction_(transaction) {}
  pqxx::dbtransaction& sql() { return transaction_; }

 private:
  pqxx::dbtransaction& transaction_;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(PoolSettings settings);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection borrowed from the pool. A connection that broke is dropped, not returned.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<PooledConnection> connection);
    Lease(Lease&& other) noexcept;
    ~Lease();
    pqxx::connection_base& connection();

   private:
    ConnectionPool* pool_;
    std::unique_ptr<PooledConnection> connection_;
  };

  // Waits up to acquire_timeout_ms for a connection; throws Unavailable when none comes or the
  // database cannot be reached.
  Lease acquire();
  PoolStats stats() const;
  const PoolSettings& settings() const { return settings_; }

 private:
  std::unique_ptr<PooledConnection> open_connection();
  void give_back(std::unique_ptr<PooledConnection> connection);

  PoolSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  int in_use_ = 0;
  int waiting_ = 0;
};

class Database {
 public:
  explicit Database(PoolSettings settings) : pool_(std::move(settings)) {}

  // Runs `work` in one transaction and commits. Serialization failures and deadlocks roll back
  // and run `work` again, a bounded number of times, so `work` must have no side effects
  // outside the transaction. A commit whose outcome is unknown is never retried: it surfaces
  // as Unavailable, and the caller's idempotency key makes a client's retry safe.
  template <typename Work>
  auto write(Work&& work, Isolation isolation = Isolation::read_committed) {
    using Result = std::invoke_result_t<Work&, Transaction&>;
    if constexpr (std::is_void_v<Result>) {
      run(work, isolation, false);
    } else {
      std::optional<Result> result;
      run([&](Transaction& transaction) { result.emplace(work(transaction)); }, isolation, false);
      return std::move(*result);
    }
  }

  // The same, in a read-only transaction.
  template <typename Work>
  auto read(Work&& work) {
    using Result = std::invoke_result_t<Work&, Transaction&>;
    std::optional<Result> result;
    run([&](Transaction& transaction) { result.emplace(work(transaction)); },
        Isolation::repeatable_read, true);
    return std::move(*result);
  }

  ConnectionPool& pool() { return pool_; }

 private:
  void run(const std::function<void(Transaction&)>& work, Isolation isolation, bool read_only);
  ConnectionPool pool_;
};

// True when the database answers a trivial query within the pool's timeouts.
bool database_answers(Database& database);

}  // namespace disburse::pg
