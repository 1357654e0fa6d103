#pragma once
// Service configuration, read from the environment once at startup. Every limit is explicit and
// range-checked here, so that a bad value stops the process with a clear message before it
// serves anything.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace disburse::app {

struct Limits {
  long long max_upload_bytes = 512LL * 1024 * 1024;  // One import file (1M rows is ~95 MB).
  long long max_json_bytes = 1024 * 1024;            // Any JSON request body.
  int read_timeout_ms = 30000;
  int write_timeout_ms = 30000;
  int http_threads = 64;  // httplib holds a thread per keep-alive connection.
  int keep_alive_max_requests = 1000;
  int page_size_max = 500;
};

struct JobSettings {
  int workers = 2;
  int poll_interval_ms = 500;
  int lease_seconds = 60;
};

struct Config {
  std::string database_url;
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string secret_key_file = "var/secret.key";
  int pool_size = 16;
  int pool_acquire_timeout_ms = 2000;
  int statement_timeout_ms = 30000;
  bool cookie_secure = false;
  Limits limits;
  JobSettings jobs;
};

using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads and validates every setting. Throws InvalidInput naming the variable, the bad value and
// the accepted range. DATABASE_URL may be absent here; commands that need it check for it.
Config load_config(const EnvironmentLookup& lookup);

// The process environment, for load_config.
std::optional<std::string> process_environment(std::string_view name);

}  // namespace disburse::app
