#pragma once
// Integration-test support: a fresh migrated database per test, and the real `disburse` binary
// run as a command or as a server. Everything talks to the PostgreSQL cluster that ops/test
// started (DISBURSE_TEST_PG holds its libpq keyword/value connection string).

#include <httplib.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "disburse/pg/database.hpp"

namespace disburse::testing {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  pg::Database& database() { return *database_; }
  // Runs SQL as the test's superuser-free owner role, for setup and inspection only.
  std::string scalar(const std::string& sql);
  void execute(const std::string& sql);

 private:
  std::string name_;
  std::string url_;
  std::unique_ptr<pg::Database> database_;
};

// The cluster's base connection string, without dbname.
std::string cluster_connection_string();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the disburse binary with `arguments`, feeding `input` on stdin, with DATABASE_URL and a
// secret key file set for `database` plus any `environment` overrides.
CommandResult run_disburse(const TestDatabase& database, const std::vector<std::string>& arguments,
                           const std::string& input = "",
                           const std::map<std::string, std::string>& environment = {});

// A secret key file shared by the tests of one process.
const std::string& test_secret_key_file();

// Creates a user with the given role; the password is "password for <name>".
void add_user(const TestDatabase& database, const std::string& name, const std::string& role);
std::string password_of(const std::string& name);
// A bearer token for the user.
std::string token_for(const TestDatabase& database, const std::string& name);
// The headers of an API request made with the token (and an Idempotency-Key, when given).
inline httplib::Headers bearer(const std::string& token, const std::string& idempotency_key = "") {
  httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  if (!idempotency_key.empty()) headers.emplace("Idempotency-Key", idempotency_key);
  return headers;
}

// A `disburse serve` child process on a free port, stopped with SIGTERM when destroyed.
class ServerProcess {
 public:
  explicit ServerProcess(const TestDatabase& database,
                         const std::map<std::string, std::string>& environment = {});
  ~ServerProcess();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and returns the exit status once the process has ended.
  int stop();
  // Sends SIGKILL (a crash: no handler runs, nothing is flushed) and waits for the end.
  void kill_now();
  // True while the process has not exited.
  bool running();
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace disburse::testing
