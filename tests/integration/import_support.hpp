#pragma once
// Helpers shared by the import tests: files, programs, sample lists and counts.

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "support.hpp"

namespace disburse::testing {

inline std::string scratch_path(const std::string& stem) {
  static int counter = 0;
  return "/tmp/disburse-import-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter) +
         "-" + stem;
}

inline std::string write_file(const std::string& stem, const std::string& content) {
  const std::string path = scratch_path(stem);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

inline std::string read_whole_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
}

inline nlohmann::json run_json(const TestDatabase& database, const std::vector<std::string>& arguments) {
  const CommandResult result = run_disburse(database, arguments);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

inline std::int64_t create_program(const TestDatabase& database, const std::string& name) {
  return run_json(database, {"program", "create", "--name", name, "--fund", "5800000.00"})
      .at("id")
      .get<std::int64_t>();
}

// Writes a sample list and returns its path and the generator's statistics.
inline std::pair<std::string, nlohmann::json> sample_list(const TestDatabase& database, int customers,
                                                          int seed, bool dirty) {
  const std::string path = scratch_path("sample.csv");
  std::vector<std::string> arguments = {"sample-list", "--customers", std::to_string(customers),
                                        "--seed", std::to_string(seed), "--out", path};
  if (dirty) arguments.push_back("--dirty");
  return {path, run_json(database, arguments)};
}

inline nlohmann::json import_file(const TestDatabase& database, std::int64_t program_id,
                                  const std::string& path) {
  return run_json(database, {"import", "--program", std::to_string(program_id), path});
}

inline std::int64_t count(TestDatabase& database, const std::string& sql) {
  return std::stoll(database.scalar(sql));
}

// What the importer should reject each defect of the sample generator as.
inline nlohmann::json expected_rejections(const nlohmann::json& stats) {
  nlohmann::json expected = nlohmann::json::object();
  for (const auto& [defect, rows] : stats.at("rows_invalid_by_defect").items()) {
    if (rows.get<std::int64_t>() == 0) continue;
    std::string reason = defect;
    if (defect == "negative_months" || defect == "non_integer_months") reason = "invalid_account_months";
    if (defect == "overlong_field") reason = "field_too_long";
    expected[reason] = expected.value(reason, std::int64_t{0}) + rows.get<std::int64_t>();
  }
  return expected;
}

inline const std::string list_header =
    "customer_id,first_name,last_name,email,phone,address1,address2,city,state,postal_code,"
    "country,device_type,account_months\n";

// A valid row with the given customer id and overrides, in list_header's column order.
inline std::string list_row(const std::string& customer_id, const std::string& email = "",
                            const std::string& address1 = "", const std::string& first_name = "Ana") {
  const std::string mail = email.empty() ? customer_id + "@example.com" : email;
  const std::string street = address1.empty() ? "1 " + customer_id + " Main St" : address1;
  return customer_id + "," + first_name + ",Lopez," + mail + ",415-555-0100," + street +
         ",,San Francisco,CA,94105,US,Indoor Cam,24\n";
}

}  // namespace disburse::testing
