#include <doctest/doctest.h>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/program.hpp"

using namespace disburse::domain;

namespace {

ProgramSettings ring() {
  ProgramSettings settings;
  settings.name = "FTC v. Ring";
  settings.fund = Money::from_cents(580000000);
  settings.reserve = Money::from_cents(20000000);
  settings.min_payment = Money::from_cents(1000);
  return settings;
}

std::string error_of(const ProgramSettings& settings) {
  try {
    validate_program_settings(settings);
  } catch (const disburse::InvalidInput& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the Ring program's settings are valid and distribute the fund less the reserve") {
  CHECK(error_of(ring()) == "");
  CHECK(distributable_amount(ring()).cents() == 560000000);
}

TEST_CASE("out-of-range program settings are refused with the setting named") {
  ProgramSettings settings = ring();
  settings.name = "";
  CHECK(error_of(settings).starts_with("the program name"));
  settings = ring();
  settings.currency = "usd";
  CHECK(error_of(settings).starts_with("the currency"));
  settings = ring();
  settings.reserve = settings.fund;
  CHECK(error_of(settings).starts_with("the reserve"));
  settings = ring();
  settings.min_payment = Money::from_cents(560000001);
  CHECK(error_of(settings).starts_with("the minimum payment"));
  settings = ring();
  settings.fund = Money();
  CHECK(error_of(settings).starts_with("the fund"));
  settings = ring();
  settings.check_window_days = 0;
  CHECK(error_of(settings).starts_with("the check window"));
}
