// Issue 9, attacks: sqlmap (Debian's package, an independent attacker) against the query
// parameters of the portal's status route and two administrator lists, at level 3 and risk 2,
// each run bounded to a minute. It must find nothing, and the server must never fail.

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "portal_fixture.hpp"

using namespace disburse::testing;

namespace {

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char character : text) quoted += character == '\'' ? std::string("'\\''") : std::string(1, character);
  return quoted + "'";
}

// Runs sqlmap against `url` and returns its report.
std::string sqlmap(const std::string& url, const std::string& header, const std::string& scratch) {
  const std::string report = scratch + "/report.txt";
  std::string command = "timeout 60 sqlmap --batch --disable-coloring --flush-session --dbms=PostgreSQL "
                        "--level=3 --risk=2 --time-sec=2 --output-dir=" + shell_quote(scratch) +
                        " -u " + shell_quote(url);
  if (!header.empty()) command += " -H " + shell_quote(header);
  command += " >" + shell_quote(report) + " 2>&1";
  const int status = std::system(command.c_str());
  CHECK_MESSAGE(status == 0, "sqlmap did not finish within its minute");
  std::ifstream input(report);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("sqlmap finds no injection in the status route and the administrator's lists") {
  TestDatabase database;
  const auto program = seed_program(database);
  const auto claimant = seed_claimant(database, program);
  add_user(database, "alice", "admin");
  const std::string token = token_for(database, "alice");
  // sqlmap sends a few thousand lookups; the throttle is wide open so that it sees the route.
  ServerProcess server(database, {{"DISBURSE_PORTAL_MAX_FAILURES", "1000"}, {"DISBURSE_PORTAL_WINDOW_SECONDS", "10"}});
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  const std::string scratch = std::filesystem::temp_directory_path() / ("disburse-sqlmap-" + std::to_string(server.port()));
  std::filesystem::create_directories(scratch);
  const std::string bearer = "Authorization: Bearer " + token;
  const std::vector<std::pair<std::string, std::string>> targets = {
      {base + "/api/v1/status?claim=" + claimant.claim_number + "&zip=" + claimant.zip5, ""},
      {base + "/api/v1/audit?action=user&subject_type=user&subject_id=1", bearer},
      {base + "/api/v1/claims?program_id=" + std::to_string(program) + "&state=approved&flag=duplicate_email", bearer},
  };
  for (const auto& [url, header] : targets) {
    CAPTURE(url);
    const std::string report = sqlmap(url, header, scratch);
    CHECK_MESSAGE(report.find("do not appear to be injectable") != std::string::npos, report);
    CHECK(report.find("identified the following injection point") == std::string::npos);
  }
  std::filesystem::remove_all(scratch);
  server.stop();
  const std::string log = server.log();
  CHECK(log.find("internal_error") == std::string::npos);
  CHECK(log.find("status=5") == std::string::npos);
}
