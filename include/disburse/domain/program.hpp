#pragma once
// A program is one settlement fund (DESIGN.md "Program").

#include <cstdint>
#include <string>

#include "disburse/domain/money.hpp"

namespace disburse::domain {

struct ProgramSettings {
  std::string name;
  std::string currency = "USD";
  Money fund;
  Money reserve;
  Money min_payment;
  int paypal_window_days = 30;
  int check_window_days = 90;
  int cure_window_days = 30;
};

struct Program {
  std::int64_t id = 0;
  ProgramSettings settings;
  std::string weighting_rule;  // Canonical text of the weighting rule, empty for the default.
  std::string status;          // setup | distributing | closed | purged
  std::string created_at;      // ISO 8601, UTC.
};

// The amount the first round divides: the fund less the administration reserve.
Money distributable_amount(const ProgramSettings& settings);

// Throws InvalidInput naming the first setting that is out of range.
void validate_program_settings(const ProgramSettings& settings);

}  // namespace disburse::domain
