#include "disburse/pg/database.hpp"

#include <poll.h>

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

struct PooledConnection {
  explicit PooledConnection(const std::string& url) : connection(url) {}
  pqxx::connection connection;
};

namespace {

// PostgreSQL's SQLSTATEs for a statement cancelled by statement_timeout, and for a lock not
// obtained within lock_timeout: both mean "busy, try again", never "your request was wrong".
constexpr const char* query_canceled_state = "57014";
constexpr const char* lock_not_available_state = "55P03";

template <pqxx::isolation_level level, pqxx::readwrite_policy policy>
void run_in(pqxx::connection_base& connection, const std::function<void(Transaction&)>& work) {
  pqxx::transaction<level, policy> transaction(connection);
  Transaction handle(transaction);
  work(handle);
  transaction.commit();
}

void run_once(pqxx::connection_base& connection, const std::function<void(Transaction&)>& work,
              Isolation isolation, bool read_only) {
  if (read_only) {
    run_in<pqxx::repeatable_read, pqxx::read_only>(connection, work);
    return;
  }
  switch (isolation) {
    case Isolation::read_committed:
      run_in<pqxx::read_committed, pqxx::read_write>(connection, work);
      return;
    case Isolation::repeatable_read:
      run_in<pqxx::repeatable_read, pqxx::read_write>(connection, work);
      return;
    case Isolation::serializable:
      run_in<pqxx::serializable, pqxx::read_write>(connection, work);
      return;
  }
}

// An idle connection has nothing to read. When its socket is readable, the server has closed it
// or sent its last words ("terminating connection", as in a restart): handing it out would fail
// the request that gets it. One poll() that does not wait tells the two apart.
bool looks_alive(PooledConnection& pooled) {
  if (!pooled.connection.is_open()) return false;
  pollfd socket{pooled.connection.sock(), POLLIN, 0};
  return socket.fd >= 0 && poll(&socket, 1, 0) == 0;
}

}  // namespace

ConnectionPool::ConnectionPool(PoolSettings settings) : settings_(std::move(settings)) {
  DISBURSE_ASSERT(settings_.size > 0);
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<PooledConnection> connection)
    : pool_(&pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
  other.pool_ = nullptr;
}

pqxx::connection_base& ConnectionPool::Lease::connection() { return connection_->connection; }

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(connection_));
}

std::unique_ptr<PooledConnection> ConnectionPool::open_connection() {
  try {
    auto pooled = std::make_unique<PooledConnection>(settings_.url);
    pqxx::nontransaction setup(pooled->connection);
    setup.exec0("SET statement_timeout = " + std::to_string(settings_.statement_timeout_ms));
    setup.exec0("SET lock_timeout = " + std::to_string(settings_.statement_timeout_ms));
    setup.exec0("SET application_name = 'disburse'");
    setup.commit();
    return pooled;
  } catch (const pqxx::broken_connection&) {
    // The libpq message may hold the connection string's host and user; keep it out of logs.
    throw Unavailable("the database cannot be reached");
  }
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.acquire_timeout_ms);
  waiting_++;
  const bool got = available_.wait_until(lock, deadline, [&] {
    return !idle_.empty() || in_use_ + static_cast<int>(idle_.size()) < settings_.size;
  });
  waiting_--;
  if (!got) throw Unavailable("all database connections are busy");
  in_use_++;
  // After a database restart every idle connection is dead: skip (and close) those, so that the
  // first requests afterwards are served on fresh connections instead of failing one by one.
  std::vector<std::unique_ptr<PooledConnection>> dead;
  std::unique_ptr<PooledConnection> connection;
  while (!idle_.empty() && !connection) {
    auto candidate = std::move(idle_.back());
    idle_.pop_back();
    if (looks_alive(*candidate)) {
      connection = std::move(candidate);
    } else {
      dead.push_back(std::move(candidate));
    }
  }
  lock.unlock();
  if (!dead.empty()) available_.notify_all();  // Their places can be opened again.
  dead.clear();
  if (connection) return Lease(*this, std::move(connection));
  try {
    return Lease(*this, open_connection());
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

void ConnectionPool::give_back(std::unique_ptr<PooledConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    in_use_--;
    if (connection && connection->connection.is_open()) idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

PoolStats ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  return {settings_.size, in_use_, static_cast<int>(idle_.size()), waiting_};
}

void Database::run(const std::function<void(Transaction&)>& work, Isolation isolation,
                   bool read_only) {
  for (int attempt = 1;; attempt++) {
    auto lease = pool_.acquire();
    try {
      run_once(lease.connection(), work, isolation, read_only);
      return;
    } catch (const pqxx::in_doubt_error&) {
      lease.connection().disconnect();
      throw Unavailable("the database connection failed during commit; the outcome is unknown");
    } catch (const pqxx::transaction_rollback&) {
      // Serialization failures and deadlocks: PostgreSQL asks us to run the work again.
      if (attempt >= pool_.settings().transaction_retries) {
        throw Unavailable("the database kept reporting conflicts; try again");
      }
    } catch (const pqxx::broken_connection&) {
      lease.connection().disconnect();
      // The transaction never committed, so running it again on a fresh connection is safe.
      if (attempt >= 2) throw Unavailable("the database connection was lost");
    } catch (const pqxx::sql_error& error) {
      if (error.sqlstate() == query_canceled_state || error.sqlstate() == lock_not_available_state) {
        throw Unavailable("the database did not answer within the statement timeout");
      }
      throw;
    }
  }
}

bool database_answers(Database& database) {
  try {
    return database.read([](Transaction& transaction) {
      return transaction.sql().exec1("SELECT 1")[0].as<int>() == 1;
    });
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace disburse::pg
