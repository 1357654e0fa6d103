#include "disburse/domain/program.hpp"

#include "disburse/domain/errors.hpp"

namespace disburse::domain {

namespace {

bool is_currency_code(const std::string& currency) {
  if (currency.size() != 3) return false;
  for (const char letter : currency) {
    if (letter < 'A' || letter > 'Z') return false;
  }
  return true;
}

void check_window(int days, const char* name) {
  if (days < 1 || days > 3650) {
    throw InvalidInput(std::string(name) + " must be from 1 to 3650 days");
  }
}

}  // namespace

Money distributable_amount(const ProgramSettings& settings) {
  return settings.fund - settings.reserve;
}

void validate_program_settings(const ProgramSettings& settings) {
  if (settings.name.empty() || settings.name.size() > 200) {
    throw InvalidInput("the program name must have 1 to 200 characters");
  }
  if (!is_currency_code(settings.currency)) {
    throw InvalidInput("the currency must be a three-letter ISO 4217 code such as USD");
  }
  if (settings.fund <= Money()) throw InvalidInput("the fund must be more than zero");
  if (settings.reserve.is_negative() || settings.reserve >= settings.fund) {
    throw InvalidInput("the reserve must be at least zero and less than the fund");
  }
  if (settings.min_payment.is_negative() ||
      settings.min_payment > distributable_amount(settings)) {
    throw InvalidInput("the minimum payment must be at least zero and at most the fund less the reserve");
  }
  check_window(settings.paypal_window_days, "the PayPal window");
  check_window(settings.check_window_days, "the check window");
  check_window(settings.cure_window_days, "the cure window");
}

}  // namespace disburse::domain
