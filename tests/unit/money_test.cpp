#include <doctest/doctest.h>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/money.hpp"

using disburse::domain::Money;
using disburse::domain::MoneyParseError;
using disburse::domain::parse_money;

TEST_CASE("decimal amounts parse straight to cents") {
  CHECK(parse_money("5800000.00").amount.cents() == 580000000);
  CHECK(parse_money("5800000").amount.cents() == 580000000);
  CHECK(parse_money("0.5").amount.cents() == 50);
  CHECK(parse_money(".05").amount.cents() == 5);
  CHECK(parse_money("$5,800,000.00").amount.cents() == 580000000);
  CHECK(parse_money("92233720368547758.07").amount.cents() == INT64_MAX);
}

TEST_CASE("bad amounts are refused with the reason") {
  CHECK(parse_money("").error == MoneyParseError::empty);
  CHECK(parse_money("1.234").error == MoneyParseError::too_many_decimals);
  CHECK(parse_money("-1.00").error == MoneyParseError::negative);
  CHECK(parse_money("92233720368547758.08").error == MoneyParseError::overflow);
  CHECK(parse_money("99999999999999999999").error == MoneyParseError::overflow);
  for (const char* garbage : {"abc", "1e5", "1.", ".", "1 000", "+5", "1,00", "12,3456", ",100",
                              "1.2.3", "0x10", "NaN", "5.-1"}) {
    CAPTURE(garbage);
    CHECK(parse_money(garbage).error == MoneyParseError::malformed);
  }
}

TEST_CASE("parse_money_or_throw names the field and the reason") {
  try {
    disburse::domain::parse_money_or_throw("1.001", "--fund");
    FAIL("expected InvalidInput");
  } catch (const disburse::InvalidInput& error) {
    CHECK(std::string(error.what()) == "--fund: '1.001' has more than two decimals");
  }
}

TEST_CASE("amounts format for machines and for people") {
  CHECK(to_decimal_string(Money::from_cents(580000000)) == "5800000.00");
  CHECK(to_decimal_string(Money::from_cents(5)) == "0.05");
  CHECK(to_decimal_string(Money::from_cents(-123)) == "-1.23");
  CHECK(to_display_string(Money::from_cents(580000000)) == "$5,800,000.00");
  CHECK(to_display_string(Money::from_cents(4961)) == "$49.61");
  CHECK(to_display_string(Money::from_cents(100000)) == "$1,000.00");
  CHECK(to_display_string(Money::from_cents(-100000)) == "-$1,000.00");
}

TEST_CASE("formatting then parsing gives back the same cents") {
  for (std::int64_t cents : {0LL, 1LL, 99LL, 100LL, 4961LL, 580000000LL, 123456789012LL}) {
    const Money amount = Money::from_cents(cents);
    CHECK(parse_money(to_decimal_string(amount)).amount == amount);
    CHECK(parse_money(to_display_string(amount)).amount == amount);
  }
}

TEST_CASE("money arithmetic is exact") {
  Money total = Money::from_cents(10);
  total += Money::from_cents(5);
  total -= Money::from_cents(20);
  CHECK(total.cents() == -5);
  CHECK((-total).cents() == 5);
  CHECK(Money::from_cents(3) < Money::from_cents(4));
}
