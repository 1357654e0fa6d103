#include <doctest/doctest.h>

#include <map>

#include "disburse/app/config.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/formats/nacha.hpp"

using disburse::app::Config;
using disburse::app::load_config;

namespace {

Config load_payouts(const std::map<std::string, std::string>& environment) {
  return load_config([&](std::string_view name) -> std::optional<std::string> {
    const auto found = environment.find(std::string(name));
    if (found == environment.end()) return std::nullopt;
    return found->second;
  });
}

std::string payout_error(const std::map<std::string, std::string>& environment) {
  try {
    load_payouts(environment);
  } catch (const disburse::InvalidInput& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the payout defaults are demo values that pass the bank formats' checks") {
  const auto& payouts = load_payouts({}).payouts;
  CHECK(disburse::formats::nacha::is_valid_routing_number(payouts.ach_destination_routing));
  CHECK(disburse::formats::nacha::is_valid_routing_number(payouts.ach_odfi_routing));
  CHECK(payouts.paypal_items_per_file == 15'000);
  CHECK(payouts.batch_max_items == 1'000'000);
}

TEST_CASE("payout settings are read from the environment and bad ones are named") {
  const Config config = load_payouts({{"DISBURSE_ACH_ODFI_ROUTING", "021000021"},
                                      {"DISBURSE_ACH_COMPANY_NAME", "RING REFUND"},
                                      {"DISBURSE_PAYPAL_ITEMS_PER_FILE", "5000"}});
  CHECK(config.payouts.ach_odfi_routing == "021000021");
  CHECK(config.payouts.ach_company_name == "RING REFUND");
  CHECK(config.payouts.paypal_items_per_file == 5000);
  CHECK(payout_error({{"DISBURSE_ACH_ODFI_ROUTING", "021000022"}}).find("check digit") !=
        std::string::npos);
  CHECK(payout_error({{"DISBURSE_ACH_DESTINATION_ROUTING", "12345"}}).find("9 to 9 digits") !=
        std::string::npos);
  CHECK(payout_error({{"DISBURSE_ACH_COMPANY_NAME", "A NAME LONGER THAN SIXTEEN"}})
            .find("DISBURSE_ACH_COMPANY_NAME") != std::string::npos);
  CHECK(payout_error({{"DISBURSE_PAYPAL_ITEMS_PER_FILE", "15001"}}).find("1 to 15000") !=
        std::string::npos);
  CHECK(payout_error({{"DISBURSE_CHECK_ACCOUNT", "12ab"}}).find("DISBURSE_CHECK_ACCOUNT") !=
        std::string::npos);
  CHECK(payout_error({{"DISBURSE_ACH_ORIGIN", "12345"}}).find("DISBURSE_ACH_ORIGIN") !=
        std::string::npos);
}
