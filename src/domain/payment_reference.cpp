#include "disburse/domain/payment_reference.hpp"

#include <array>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string base32(std::uint64_t value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), alphabet[value % 32]);
    value /= 32;
  } while (value > 0);
  return digits;
}

std::optional<std::uint64_t> parse_base32(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;  // One spelling per number.
  std::uint64_t value = 0;
  for (const char digit : text) {
    const std::size_t index = alphabet.find(digit);
    if (index == std::string_view::npos) return std::nullopt;
    value = value * 32 + index;
  }
  return value;
}

constexpr std::array<std::size_t, 4> max_digits = {3, 1, 6, 1};

}  // namespace

std::string payment_reference(const PaymentKey& key) {
  DISBURSE_ASSERT(key.program_id > 0 && key.program_id < 32 * 32 * 32);
  DISBURSE_ASSERT(key.round > 0 && key.round < 32);
  DISBURSE_ASSERT(key.claimant_id > 0 && key.claimant_id < (std::int64_t{1} << 30));
  DISBURSE_ASSERT(key.attempt > 0 && key.attempt < 32);
  const std::string reference =
      "D" + base32(static_cast<std::uint64_t>(key.program_id)) + "-" +
      base32(static_cast<std::uint64_t>(key.round)) + "-" +
      base32(static_cast<std::uint64_t>(key.claimant_id)) + "-" +
      base32(static_cast<std::uint64_t>(key.attempt));
  DISBURSE_ASSERT(reference.size() <= payment_reference_max_length);
  return reference;
}

std::optional<PaymentKey> parse_payment_reference(std::string_view reference) {
  if (reference.size() < 8 || reference.front() != 'D') return std::nullopt;
  reference.remove_prefix(1);
  std::array<std::uint64_t, 4> numbers{};
  for (std::size_t index = 0; index < numbers.size(); index++) {
    const std::size_t dash = reference.find('-');
    const bool last = index + 1 == numbers.size();
    if (last != (dash == std::string_view::npos)) return std::nullopt;
    const auto number = parse_base32(reference.substr(0, dash), max_digits[index]);
    if (!number || *number == 0) return std::nullopt;
    numbers[index] = *number;
    reference = last ? std::string_view() : reference.substr(dash + 1);
  }
  return PaymentKey{static_cast<std::int64_t>(numbers[0]), static_cast<int>(numbers[1]),
                    static_cast<std::int64_t>(numbers[2]), static_cast<int>(numbers[3])};
}

}  // namespace disburse::domain
