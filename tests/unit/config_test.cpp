#include <doctest/doctest.h>

#include <map>

#include "disburse/app/config.hpp"
#include "disburse/domain/errors.hpp"

using disburse::app::Config;
using disburse::app::load_config;

namespace {

Config load(const std::map<std::string, std::string>& environment) {
  return load_config([&](std::string_view name) -> std::optional<std::string> {
    const auto found = environment.find(std::string(name));
    if (found == environment.end()) return std::nullopt;
    return found->second;
  });
}

std::string error_of(const std::map<std::string, std::string>& environment) {
  try {
    load(environment);
  } catch (const disburse::InvalidInput& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an empty environment gives safe defaults") {
  const Config config = load({});
  CHECK(config.listen_host == "127.0.0.1");
  CHECK(config.listen_port == 8080);
  CHECK(config.pool_size == 16);
  CHECK(config.database_url.empty());
  CHECK_FALSE(config.cookie_secure);
}

TEST_CASE("settings are read from the environment") {
  const Config config = load({{"DATABASE_URL", "postgresql:///x"},
                              {"DISBURSE_LISTEN", "0.0.0.0:9000"},
                              {"DISBURSE_POOL_SIZE", "32"},
                              {"DISBURSE_COOKIE_SECURE", "1"},
                              {"DISBURSE_MAX_UPLOAD_BYTES", "1048576"}});
  CHECK(config.database_url == "postgresql:///x");
  CHECK(config.listen_host == "0.0.0.0");
  CHECK(config.listen_port == 9000);
  CHECK(config.pool_size == 32);
  CHECK(config.cookie_secure);
  CHECK(config.limits.max_upload_bytes == 1048576);
}

TEST_CASE("bad values are refused with the variable and the accepted range") {
  CHECK(error_of({{"DISBURSE_POOL_SIZE", "0"}}) ==
        "DISBURSE_POOL_SIZE='0' must be a whole number from 1 to 512");
  CHECK(error_of({{"DISBURSE_POOL_SIZE", "12abc"}}).starts_with("DISBURSE_POOL_SIZE='12abc'"));
  CHECK(error_of({{"DISBURSE_POOL_SIZE", "-3"}}).starts_with("DISBURSE_POOL_SIZE"));
  CHECK(error_of({{"DISBURSE_STATEMENT_TIMEOUT_MS", "99999999999"}}).starts_with(
      "DISBURSE_STATEMENT_TIMEOUT_MS"));
  CHECK(error_of({{"DISBURSE_LISTEN", "8080"}}).starts_with("DISBURSE_LISTEN='8080' must be"));
  CHECK(error_of({{"DISBURSE_LISTEN", "localhost:99999"}}).starts_with("DISBURSE_LISTEN port"));
  CHECK(error_of({{"DISBURSE_COOKIE_SECURE", "yes"}}) ==
        "DISBURSE_COOKIE_SECURE must be 0, 1, true or false");
  CHECK(error_of({{"DISBURSE_POOL_SIZE", "2"}, {"DISBURSE_JOB_WORKERS", "2"}})
            .starts_with("DISBURSE_POOL_SIZE must exceed"));
}

TEST_CASE("the connection limits default to safe values and stay under select()'s descriptor limit") {
  const Config defaults = load({});
  CHECK(defaults.limits.http_threads == 64);
  CHECK(defaults.limits.http_max_connections == 512);
  CHECK(defaults.limits.header_timeout_ms == 10000);
  const Config set = load({{"DISBURSE_HTTP_MAX_CONNECTIONS", "900"}, {"DISBURSE_HEADER_TIMEOUT_MS", "2000"}});
  CHECK(set.limits.http_max_connections == 900);
  CHECK(set.limits.header_timeout_ms == 2000);
  CHECK(error_of({{"DISBURSE_HTTP_MAX_CONNECTIONS", "1024"}}) ==
        "DISBURSE_HTTP_MAX_CONNECTIONS='1024' must be a whole number from 8 to 900");
  CHECK(error_of({{"DISBURSE_HEADER_TIMEOUT_MS", "0"}}).starts_with("DISBURSE_HEADER_TIMEOUT_MS='0'"));
}
