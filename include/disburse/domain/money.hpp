#pragma once
// Money is an integer number of cents in a strong type. No floating point ever touches it.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace disburse::domain {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }

  constexpr std::int64_t cents() const { return cents_; }
  constexpr bool is_zero() const { return cents_ == 0; }
  constexpr bool is_negative() const { return cents_ < 0; }

  friend constexpr auto operator<=>(Money, Money) = default;

  // Arithmetic aborts on overflow: no real fund comes near 2^63 cents, so an overflow is a bug.
  friend Money operator+(Money left, Money right);
  friend Money operator-(Money left, Money right);
  friend Money operator-(Money value);
  Money& operator+=(Money other);
  Money& operator-=(Money other);

 private:
  constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
  std::int64_t cents_ = 0;
};

// Why a decimal text was refused; `none` means it parsed.
enum class MoneyParseError { none, empty, malformed, too_many_decimals, negative, overflow };

struct MoneyParse {
  Money amount;
  MoneyParseError error = MoneyParseError::none;
  bool ok() const { return error == MoneyParseError::none; }
};

// Parses "5800000", "5800000.5", "5800000.00" (optionally with thousands commas
// "5,800,000.00" and a leading "$") straight to cents. Refuses more than two decimals,
// a sign, exponents, spaces and anything over the int64 range.
MoneyParse parse_money(std::string_view text);

// Parses or throws InvalidInput naming `what` ("--fund", "amount") and the reason.
Money parse_money_or_throw(std::string_view text, std::string_view what);

// One sentence for an error, such as "has more than two decimals".
std::string_view describe(MoneyParseError error);

// "5800000.00": the canonical machine form used in files and JSON strings.
std::string to_decimal_string(Money amount);

// "$5,800,000.00": the form shown to people.
std::string to_display_string(Money amount);

}  // namespace disburse::domain
