#include "disburse/domain/claim_number.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace domain = disburse::domain;
using domain::ClaimNumberCheck;

namespace {

std::string claim_number_from_seed(std::mt19937_64& generator) {
  std::array<std::uint8_t, domain::claim_number_random_bytes> bytes{};
  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& value : bytes) value = static_cast<std::uint8_t>(byte(generator));
  return domain::make_claim_number(bytes);
}

std::vector<std::string> claim_numbers(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::vector<std::string> numbers;
  for (std::size_t index = 0; index < count; index++) {
    numbers.push_back(claim_number_from_seed(generator));
  }
  return numbers;
}

ClaimNumberCheck check(std::string_view input) {
  std::string canonical;
  return domain::check_claim_number(input, canonical);
}

// Positions of the symbols inside the canonical "XXXX-XXXX-XXX" form.
std::vector<std::size_t> symbol_positions(const std::string& number) {
  std::vector<std::size_t> positions;
  for (std::size_t index = 0; index < number.size(); index++) {
    if (number[index] != '-') positions.push_back(index);
  }
  return positions;
}

}  // namespace

TEST_CASE("claim numbers are built from random bytes as known answers say") {
  const std::array<std::uint8_t, 8> zeros{};
  const std::array<std::uint8_t, 8> ones = {255, 255, 255, 255, 255, 255, 255, 255};
  const std::array<std::uint8_t, 8> counting = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::array<std::uint8_t, 9> longer = {1, 2, 3, 4, 5, 6, 7, 8, 99};
  CHECK(domain::make_claim_number(zeros) == "0000-0000-000");
  CHECK(domain::make_claim_number(ones) == "75JB-45M8-6F5");
  CHECK(domain::make_claim_number(counting) == "JR6T-R21Y-P7C");
  CHECK(domain::make_claim_number(longer) == "JR6T-R21Y-P7C");
}

TEST_CASE("a claim number has three hyphenated groups of alphabet symbols") {
  for (const std::string& number : claim_numbers(1'000, 1)) {
    CAPTURE(number);
    REQUIRE(number.size() == domain::claim_number_canonical_length);
    CHECK(number[4] == '-');
    CHECK(number[9] == '-');
    for (const std::size_t position : symbol_positions(number)) {
      CHECK(domain::claim_number_alphabet.find(number[position]) != std::string_view::npos);
    }
  }
}

TEST_CASE("the alphabet has 31 distinct symbols and none of I, L, O, S or U") {
  const std::string_view alphabet = domain::claim_number_alphabet;
  CHECK(alphabet.size() == 31);
  for (std::size_t index = 0; index < alphabet.size(); index++) {
    CHECK(alphabet.find(alphabet[index], index + 1) == std::string_view::npos);
  }
  for (const char excluded : {'I', 'L', 'O', 'S', 'U'}) {
    CHECK(alphabet.find(excluded) == std::string_view::npos);
  }
}

TEST_CASE("every generated claim number passes its own check and canonicalises to itself") {
  std::size_t failures = 0;
  for (const std::string& number : claim_numbers(20'000, 2)) {
    std::string canonical;
    if (domain::check_claim_number(number, canonical) != ClaimNumberCheck::ok) failures++;
    if (canonical != number) failures++;
  }
  CHECK(failures == 0);
}

TEST_CASE("every single-symbol substitution of a valid claim number fails the check") {
  std::size_t substitutions = 0;
  std::size_t undetected = 0;
  for (const std::string& number : claim_numbers(400, 3)) {
    for (const std::size_t position : symbol_positions(number)) {
      for (const char replacement : domain::claim_number_alphabet) {
        if (replacement == number[position]) continue;
        std::string typo = number;
        typo[position] = replacement;
        substitutions++;
        if (check(typo) != ClaimNumberCheck::check_failed) undetected++;
      }
    }
  }
  CHECK(substitutions == 400 * 11 * 30);
  CHECK(undetected == 0);
}

TEST_CASE("every transposition of two different symbols fails the check, adjacent or not") {
  std::size_t adjacent_transpositions = 0;
  std::size_t undetected = 0;
  for (const std::string& number : claim_numbers(400, 4)) {
    const std::vector<std::size_t> positions = symbol_positions(number);
    for (std::size_t first = 0; first < positions.size(); first++) {
      for (std::size_t second = first + 1; second < positions.size(); second++) {
        std::string typo = number;
        if (typo[positions[first]] == typo[positions[second]]) continue;
        std::swap(typo[positions[first]], typo[positions[second]]);
        if (second == first + 1) adjacent_transpositions++;
        if (check(typo) != ClaimNumberCheck::check_failed) undetected++;
      }
    }
  }
  CHECK(adjacent_transpositions > 400 * 9);
  CHECK(undetected == 0);
}

TEST_CASE("what people type is read generously: case, spacing, dashes and look-alike letters") {
  std::mt19937_64 generator(5);
  std::size_t failures = 0;
  for (const std::string& number : claim_numbers(2'000, 6)) {
    std::string typed;
    for (const char symbol : number) {
      const bool coin = (generator() & 1U) != 0;
      switch (symbol) {
        case '-':
          typed += coin ? " " : "\xE2\x80\x93";
          break;  // A space or an en dash.
        case '0':
          typed += coin ? 'o' : 'O';
          break;
        case '1':
          typed += coin ? 'l' : 'I';
          break;
        case '5':
          typed += coin ? 's' : 'S';
          break;
        case 'V':
          typed += coin ? 'u' : 'U';
          break;
        default:
          typed += coin ? static_cast<char>(std::tolower(symbol)) : symbol;
      }
    }
    std::string canonical;
    if (domain::check_claim_number("  " + typed + "\t", canonical) != ClaimNumberCheck::ok) {
      failures++;
    }
    if (canonical != number) failures++;
  }
  CHECK(failures == 0);
  std::string canonical;
  CHECK(domain::check_claim_number("jr6tr2lyp7c", canonical) == ClaimNumberCheck::ok);
  CHECK(canonical == "JR6T-R21Y-P7C");
  CHECK(domain::check_claim_number("JR6T\xC2\xA0R21Y\xE2\x80\x94P7C", canonical) ==
        ClaimNumberCheck::ok);
}

TEST_CASE("a claim number of the wrong length is reported as such") {
  for (const std::string_view input :
       {"", "   ", "JR6T-R21Y-P7", "JR6T-R21Y-P7CC", "JR6T", "JR6T-R21Y-P7C-JR6T-R21Y-P7C"}) {
    CAPTURE(input);
    CHECK(check(input) == ClaimNumberCheck::wrong_length);
  }
}

TEST_CASE("a character outside the alphabet is reported before the length") {
  for (const std::string_view input :
       {"JR6T-R21Y-P7!", "JR6T_R21Y_P7C", "JR6T.R21Y.P7C", "JRéT-R21Y-P7C", "JR6T-R21Y-P7C;",
        "' OR 1=1 --", "<script>"}) {
    CAPTURE(input);
    CHECK(check(input) == ClaimNumberCheck::invalid_character);
  }
}

TEST_CASE("the canonical output is cleared when the check does not pass") {
  std::string canonical = "stale";
  CHECK(domain::check_claim_number("JR6T-R21Y-P7D", canonical) == ClaimNumberCheck::check_failed);
  CHECK(canonical.empty());
}

TEST_CASE("generated bodies use every symbol about equally often") {
  std::array<std::size_t, 31> counts{};
  constexpr std::size_t numbers = 31'000;
  for (const std::string& number : claim_numbers(numbers, 8)) {
    for (const std::size_t position : symbol_positions(number)) {
      if (position == number.size() - 1) continue;  // The check symbol is not random.
      counts[domain::claim_number_alphabet.find(number[position])]++;
    }
  }
  // 310,000 symbols, 10,000 expected each; the bound is about six standard deviations.
  for (const std::size_t count : counts) {
    CHECK(count > 9'400);
    CHECK(count < 10'600);
  }
}

TEST_CASE("the portal messages tell the customer what to do, in English and Spanish") {
  using domain::MessageLanguage;
  CHECK(domain::claim_number_message(ClaimNumberCheck::check_failed, MessageLanguage::english) ==
        "That claim number has a typo: please check it against your notice.");
  CHECK(domain::claim_number_message(ClaimNumberCheck::ok, MessageLanguage::english).empty());
  for (const auto result : {ClaimNumberCheck::wrong_length, ClaimNumberCheck::invalid_character,
                            ClaimNumberCheck::check_failed}) {
    const auto english = domain::claim_number_message(result, MessageLanguage::english);
    const auto spanish = domain::claim_number_message(result, MessageLanguage::spanish);
    CHECK_FALSE(english.empty());
    CHECK_FALSE(spanish.empty());
    CHECK(english != spanish);
  }
  CHECK(domain::to_string(ClaimNumberCheck::check_failed) == "check_failed");
  CHECK(domain::to_string(ClaimNumberCheck::wrong_length) == "wrong_length");
}

TEST_CASE("the example number in the messages is itself valid") {
  CHECK(check("K7QM-3XHD-9PB") == ClaimNumberCheck::ok);
}
