#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/domain/program.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::app {

// What a caller sends to create a program; amounts are decimal text, parsed exactly here.
struct ProgramRequest {
  std::string name;
  std::string fund;
  std::string reserve = "0";
  std::string min_payment = "0";
  std::string currency = "USD";
  // As given: any whole number, checked against the windows' range here, not by the callers.
  std::optional<std::int64_t> paypal_window_days;
  std::optional<std::int64_t> check_window_days;
  std::optional<std::int64_t> cure_window_days;
};

domain::ProgramSettings parse_program_request(const ProgramRequest& request);

// Runs in the caller's transaction, so that the API can store its idempotent response with it.
domain::Program create_program(pg::Transaction& transaction, const Actor& actor,
                               const ProgramRequest& request);
std::vector<domain::Program> list_programs(pg::Database& database, const Actor& actor);
// Throws NotFound.
domain::Program show_program(pg::Database& database, const Actor& actor, std::int64_t program_id);

}  // namespace disburse::app
