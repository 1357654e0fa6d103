#include "support.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "disburse/pg/migrations.hpp"

namespace disburse::testing {

namespace {

std::string unique_suffix() {
  static std::mt19937_64 random(std::random_device{}());
  std::ostringstream text;
  text << std::hex << random();
  return text.str();
}

std::string read_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char character : text) {
    if (character == '\'') {
      quoted += "'\\''";
    } else {
      quoted += character;
    }
  }
  return quoted + "'";
}

std::string temporary_path(const std::string& stem) {
  return "/tmp/disburse-test-" + std::to_string(getpid()) + "-" + stem + "-" + unique_suffix();
}

}  // namespace

std::string cluster_connection_string() {
  const char* value = std::getenv("DISBURSE_TEST_PG");
  if (value == nullptr) throw std::runtime_error("DISBURSE_TEST_PG is not set: run ops/test");
  return value;
}

TestDatabase::TestDatabase() : name_("test_" + unique_suffix()) {
  pqxx::connection admin(cluster_connection_string() + " dbname=disburse");
  pqxx::nontransaction(admin).exec0("CREATE DATABASE " + name_);
  url_ = cluster_connection_string() + " dbname=" + name_;
  pg::migrate(url_);
  database_ = std::make_unique<pg::Database>(pg::PoolSettings{url_, 4, 5000, 30000, 5});
}

TestDatabase::~TestDatabase() {
  database_.reset();
  try {
    pqxx::connection admin(cluster_connection_string() + " dbname=disburse");
    pqxx::nontransaction(admin).exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster may be stopped by the test itself; ops/test removes it afterwards anyway.
  }
}

std::string TestDatabase::scalar(const std::string& sql) {
  pqxx::connection connection(url_);
  pqxx::work transaction(connection);
  const pqxx::result rows = transaction.exec(sql);
  transaction.commit();
  if (rows.empty() || rows[0][0].is_null()) return "";
  return rows[0][0].as<std::string>();
}

void TestDatabase::execute(const std::string& sql) {
  pqxx::connection connection(url_);
  pqxx::work transaction(connection);
  transaction.exec(sql);
  transaction.commit();
}

const std::string& test_secret_key_file() {
  static const std::string path = [] {
    const std::string file = temporary_path("key");
    std::ofstream(file) << std::string(64, 'a') << "\n";
    return file;
  }();
  return path;
}

CommandResult run_disburse(const TestDatabase& database, const std::vector<std::string>& arguments,
                           const std::string& input,
                           const std::map<std::string, std::string>& environment) {
  const std::string stem = temporary_path("cli");
  std::ofstream(stem + ".in", std::ios::binary) << input;
  std::string command = "env -u DISBURSE_PASSWORD DATABASE_URL=" + shell_quote(database.url()) +
                        " DISBURSE_SECRET_KEY_FILE=" + shell_quote(test_secret_key_file());
  for (const auto& [name, value] : environment) command += " " + name + "=" + shell_quote(value);
  command += " " + shell_quote(DISBURSE_BINARY);
  for (const auto& argument : arguments) command += " " + shell_quote(argument);
  command += " <" + stem + ".in >" + stem + ".out 2>" + stem + ".err";
  const int status = std::system(command.c_str());
  CommandResult result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(stem + ".out"),
                       read_file(stem + ".err")};
  for (const char* suffix : {".in", ".out", ".err"}) std::remove((stem + suffix).c_str());
  return result;
}

std::string password_of(const std::string& name) { return "password for " + name; }

void add_user(const TestDatabase& database, const std::string& name, const std::string& role) {
  const CommandResult result =
      run_disburse(database, {"user", "add", name, "--role", role}, password_of(name) + "\n");
  if (result.exit_code != 0) throw std::runtime_error("user add failed: " + result.err);
}

std::string token_for(const TestDatabase& database, const std::string& name) {
  const CommandResult result =
      run_disburse(database, {"token", "create", "--as", name}, password_of(name) + "\n");
  if (result.exit_code != 0) throw std::runtime_error("token create failed: " + result.err);
  return nlohmann::json::parse(result.out).at("token").get<std::string>();
}

ServerProcess::ServerProcess(const TestDatabase& database,
                             const std::map<std::string, std::string>& environment)
    : log_path_(temporary_path("server") + ".log") {
  pid_ = fork();
  if (pid_ == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(log, STDERR_FILENO);
    dup2(log, STDOUT_FILENO);
    setenv("DATABASE_URL", database.url().c_str(), 1);
    setenv("DISBURSE_SECRET_KEY_FILE", test_secret_key_file().c_str(), 1);
    setenv("DISBURSE_LISTEN", "127.0.0.1:0", 1);
    setenv("DISBURSE_JOB_POLL_MS", "50", 1);
    for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
    execl(DISBURSE_BINARY, DISBURSE_BINARY, "serve", static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string marker = "serving on http://127.0.0.1:";
  for (int attempt = 0; attempt < 200 && port_ == 0; attempt++) {
    const std::string text = read_file(log_path_);
    const std::size_t at = text.find(marker);
    // Parse only a complete line: the server may be halfway through writing it.
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      port_ = std::stoi(text.substr(at + marker.size()));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  if (port_ == 0) throw std::runtime_error("the server did not start: " + read_file(log_path_));
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = -1;
  return false;
}

ServerProcess::~ServerProcess() {
  stop();
  std::remove(log_path_.c_str());
}

std::string ServerProcess::log() const { return read_file(log_path_); }

}  // namespace disburse::testing
