#include "disburse/domain/claim_number.hpp"

#include <array>
#include <optional>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::uint32_t radix = 31;
static_assert(claim_number_alphabet.size() == radix);

// The digit groups of the canonical form: 4 + 4 + 3 symbols.
constexpr std::array<std::size_t, 3> group_sizes = {4, 4, 3};

// Value of each ASCII byte in the alphabet, with the usual confusions folded in; -1 for bytes
// that are not a symbol.
constexpr std::array<std::int8_t, 128> build_symbol_values() {
  std::array<std::int8_t, 128> values{};
  for (auto& value : values) value = -1;
  for (std::size_t index = 0; index < claim_number_alphabet.size(); index++) {
    const auto symbol = static_cast<std::size_t>(claim_number_alphabet[index]);
    values[symbol] = static_cast<std::int8_t>(index);
    if (symbol >= 'A' && symbol <= 'Z')
      values[symbol - 'A' + 'a'] = static_cast<std::int8_t>(index);
  }
  const auto alias = [&values](char typed, char meant) {
    const std::int8_t value = values[static_cast<std::size_t>(meant)];
    values[static_cast<std::size_t>(typed)] = value;
    values[static_cast<std::size_t>(typed - 'A' + 'a')] = value;
  };
  alias('O', '0');
  alias('I', '1');
  alias('L', '1');
  alias('S', '5');
  alias('U', 'V');
  return values;
}

constexpr std::array<std::int8_t, 128> symbol_values = build_symbol_values();

// Separators people type or paste between groups, as UTF-8: ASCII space, tab and hyphen, the
// no-break spaces, the Unicode hyphens and dashes U+2010..U+2015, and the minus sign U+2212.
constexpr std::array<std::string_view, 12> separators = {" ",
                                                         "\t",
                                                         "-",
                                                         "\xC2\xA0",
                                                         "\xE2\x80\xAF",
                                                         "\xE2\x80\x90",
                                                         "\xE2\x80\x91",
                                                         "\xE2\x80\x92",
                                                         "\xE2\x80\x93",
                                                         "\xE2\x80\x94",
                                                         "\xE2\x80\x95",
                                                         "\xE2\x88\x92"};

// The length of the separator at the start of `text`, or 0 when there is none.
std::size_t separator_length(std::string_view text) {
  for (const std::string_view separator : separators) {
    if (text.starts_with(separator)) return separator.size();
  }
  return 0;
}

std::optional<std::uint32_t> symbol_value(char character) {
  const auto byte = static_cast<unsigned char>(character);
  if (byte >= symbol_values.size() || symbol_values[byte] < 0) return std::nullopt;
  return static_cast<std::uint32_t>(symbol_values[byte]);
}

// The weight of the symbol at `position` (0 = first body symbol): 11 down to 1 for the check.
std::uint32_t weight_of(std::size_t position) {
  return static_cast<std::uint32_t>(claim_number_symbols - position);
}

// The check value that makes sum(weight × value) ≡ 0 (mod 31) over the body and the check.
std::uint32_t check_value_of(std::span<const std::uint32_t> body_values) {
  std::uint32_t weighted_sum = 0;
  for (std::size_t position = 0; position < body_values.size(); position++) {
    weighted_sum = (weighted_sum + weight_of(position) * body_values[position]) % radix;
  }
  return (radix - weighted_sum) % radix;
}

std::string canonical_form(std::span<const std::uint32_t> values) {
  DISBURSE_ASSERT(values.size() == claim_number_symbols);
  std::string out;
  out.reserve(claim_number_canonical_length);
  std::size_t position = 0;
  for (const std::size_t group_size : group_sizes) {
    if (position > 0) out.push_back('-');
    for (std::size_t index = 0; index < group_size; index++) {
      out.push_back(claim_number_alphabet[values[position++]]);
    }
  }
  return out;
}

}  // namespace

std::string make_claim_number(std::span<const std::uint8_t> random_bytes) {
  DISBURSE_ASSERT(random_bytes.size() >= claim_number_random_bytes);
  std::uint64_t random_value = 0;
  for (std::size_t index = 0; index < claim_number_random_bytes; index++) {
    random_value = (random_value << 8U) | random_bytes[index];
  }
  std::array<std::uint32_t, claim_number_symbols> values{};
  for (std::size_t position = claim_number_body_symbols; position-- > 0;) {
    values[position] = static_cast<std::uint32_t>(random_value % radix);
    random_value /= radix;
  }
  values[claim_number_body_symbols] =
      check_value_of(std::span(values).first(claim_number_body_symbols));
  return canonical_form(values);
}

std::string_view to_string(ClaimNumberCheck result) {
  switch (result) {
    case ClaimNumberCheck::ok:
      return "ok";
    case ClaimNumberCheck::wrong_length:
      return "wrong_length";
    case ClaimNumberCheck::invalid_character:
      return "invalid_character";
    case ClaimNumberCheck::check_failed:
      return "check_failed";
  }
  DISBURSE_ASSERT(false);
  return {};
}

ClaimNumberCheck check_claim_number(std::string_view input, std::string& canonical_out) {
  canonical_out.clear();
  std::array<std::uint32_t, claim_number_symbols> values{};
  std::size_t symbol_count = 0;
  std::size_t offset = 0;
  while (offset < input.size()) {
    const std::size_t skipped = separator_length(input.substr(offset));
    if (skipped > 0) {
      offset += skipped;
      continue;
    }
    const std::optional<std::uint32_t> value = symbol_value(input[offset]);
    if (!value) return ClaimNumberCheck::invalid_character;
    // Symbols past the expected count are still scanned, so that an invalid character anywhere
    // is reported as such, but they are not kept.
    if (symbol_count < values.size()) values[symbol_count] = *value;
    symbol_count++;
    offset++;
  }
  if (symbol_count != claim_number_symbols) return ClaimNumberCheck::wrong_length;
  const std::uint32_t expected_check =
      check_value_of(std::span(values).first(claim_number_body_symbols));
  if (values[claim_number_body_symbols] != expected_check) return ClaimNumberCheck::check_failed;
  canonical_out = canonical_form(values);
  return ClaimNumberCheck::ok;
}

std::string_view claim_number_message(ClaimNumberCheck result, MessageLanguage language) {
  const bool spanish = language == MessageLanguage::spanish;
  switch (result) {
    case ClaimNumberCheck::ok:
      return "";
    case ClaimNumberCheck::wrong_length:
      return spanish ? "Un número de reclamo tiene 11 letras y números, como K7QM-3XHD-9PB. "
                       "Compárelo con su aviso."
                     : "A claim number has 11 letters and digits, like K7QM-3XHD-9PB. "
                       "Please check it against your notice.";
    case ClaimNumberCheck::invalid_character:
      return spanish ? "Un número de reclamo solo tiene letras y números. Compárelo con su aviso."
                     : "A claim number has only letters and digits. "
                       "Please check it against your notice.";
    case ClaimNumberCheck::check_failed:
      return spanish ? "Ese número de reclamo tiene un error: compárelo con su aviso."
                     : "That claim number has a typo: please check it against your notice.";
  }
  DISBURSE_ASSERT(false);
  return {};
}

}  // namespace disburse::domain
