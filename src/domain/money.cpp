#include "disburse/domain/money.hpp"

#include <limits>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::domain {

namespace {

constexpr std::int64_t max_cents = std::numeric_limits<std::int64_t>::max();

bool is_digit(char character) { return character >= '0' && character <= '9'; }

// Appends one digit to `value`, reporting overflow instead of wrapping.
bool append_digit(std::int64_t& value, char digit) {
  const std::int64_t digit_value = digit - '0';
  if (value > (max_cents - digit_value) / 10) return false;
  value = value * 10 + digit_value;
  return true;
}

// Validates that commas, if any, group the whole-dollar digits in threes ("5,800,000").
bool has_valid_grouping(std::string_view whole) {
  if (whole.find(',') == std::string_view::npos) return true;
  std::size_t digits_since_comma = 0;
  bool seen_comma = false;
  for (std::size_t index = 0; index < whole.size(); index++) {
    if (whole[index] == ',') {
      if (index == 0 || (seen_comma && digits_since_comma != 3)) return false;
      if (!seen_comma && digits_since_comma > 3) return false;
      seen_comma = true;
      digits_since_comma = 0;
    } else {
      digits_since_comma++;
    }
  }
  return digits_since_comma == 3;
}

}  // namespace

Money operator+(Money left, Money right) {
  std::int64_t sum = 0;
  DISBURSE_ASSERT(!__builtin_add_overflow(left.cents_, right.cents_, &sum));
  return Money(sum);
}

Money operator-(Money left, Money right) {
  std::int64_t difference = 0;
  DISBURSE_ASSERT(!__builtin_sub_overflow(left.cents_, right.cents_, &difference));
  return Money(difference);
}

Money operator-(Money value) { return Money() - value; }

Money& Money::operator+=(Money other) { return *this = *this + other; }
Money& Money::operator-=(Money other) { return *this = *this - other; }

MoneyParse parse_money(std::string_view text) {
  if (text.empty()) return {{}, MoneyParseError::empty};
  if (text.front() == '-') return {{}, MoneyParseError::negative};
  if (text.front() == '$') text.remove_prefix(1);
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (whole.empty() && fraction.empty()) return {{}, MoneyParseError::malformed};
  if (point != std::string_view::npos && fraction.empty()) return {{}, MoneyParseError::malformed};
  if (!has_valid_grouping(whole)) return {{}, MoneyParseError::malformed};
  std::int64_t cents = 0;
  for (const char character : whole) {
    if (character == ',') continue;
    if (!is_digit(character)) return {{}, MoneyParseError::malformed};
    if (!append_digit(cents, character)) return {{}, MoneyParseError::overflow};
  }
  for (const char character : fraction) {
    if (!is_digit(character)) return {{}, MoneyParseError::malformed};
  }
  if (fraction.size() > 2) return {{}, MoneyParseError::too_many_decimals};
  const std::string padded = std::string(fraction) + std::string(2 - fraction.size(), '0');
  for (const char digit : padded) {
    if (!append_digit(cents, digit)) return {{}, MoneyParseError::overflow};
  }
  return {Money::from_cents(cents), MoneyParseError::none};
}

Money parse_money_or_throw(std::string_view text, std::string_view what) {
  const MoneyParse parsed = parse_money(text);
  if (!parsed.ok()) {
    throw InvalidInput(std::string(what) + ": '" + std::string(text.substr(0, 40)) + "' " +
                       std::string(describe(parsed.error)));
  }
  return parsed.amount;
}

std::string_view describe(MoneyParseError error) {
  switch (error) {
    case MoneyParseError::none: return "is a valid amount";
    case MoneyParseError::empty: return "is empty";
    case MoneyParseError::malformed: return "is not a decimal amount such as 1234.56";
    case MoneyParseError::too_many_decimals: return "has more than two decimals";
    case MoneyParseError::negative: return "is negative";
    case MoneyParseError::overflow: return "is too large";
  }
  return "is invalid";
}

std::string to_decimal_string(Money amount) {
  const std::int64_t cents = amount.cents();
  // Work in unsigned magnitude so that the most negative value still prints.
  const std::uint64_t magnitude = cents < 0 ? 0 - static_cast<std::uint64_t>(cents)
                                            : static_cast<std::uint64_t>(cents);
  std::string text = std::to_string(magnitude / 100);
  const std::uint64_t remainder = magnitude % 100;
  text += '.';
  text += static_cast<char>('0' + remainder / 10);
  text += static_cast<char>('0' + remainder % 10);
  return cents < 0 ? "-" + text : text;
}

std::string to_display_string(Money amount) {
  std::string plain = to_decimal_string(amount);
  const bool negative = plain.front() == '-';
  if (negative) plain.erase(0, 1);
  std::string whole = plain.substr(0, plain.size() - 3);
  std::string grouped;
  for (std::size_t index = 0; index < whole.size(); index++) {
    if (index > 0 && (whole.size() - index) % 3 == 0) grouped += ',';
    grouped += whole[index];
  }
  return (negative ? "-$" : "$") + grouped + plain.substr(plain.size() - 3);
}

}  // namespace disburse::domain
