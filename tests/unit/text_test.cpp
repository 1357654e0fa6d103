#include "disburse/domain/text.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace domain = disburse::domain;

namespace {

// Encodes a code point the textbook way, without any validity check, so that tests can build
// surrogates as well.
std::string encode_utf8(std::uint32_t code_point) {
  std::string out;
  const auto byte = [](std::uint32_t value) { return static_cast<char>(value & 0xFFU); };
  if (code_point < 0x80U) {
    out.push_back(byte(code_point));
  } else if (code_point < 0x800U) {
    out.push_back(byte(0xC0U | (code_point >> 6U)));
    out.push_back(byte(0x80U | (code_point & 0x3FU)));
  } else if (code_point < 0x10000U) {
    out.push_back(byte(0xE0U | (code_point >> 12U)));
    out.push_back(byte(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(byte(0x80U | (code_point & 0x3FU)));
  } else {
    out.push_back(byte(0xF0U | (code_point >> 18U)));
    out.push_back(byte(0x80U | ((code_point >> 12U) & 0x3FU)));
    out.push_back(byte(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(byte(0x80U | (code_point & 0x3FU)));
  }
  return out;
}

// A reference validator written from the definition (decode, then refuse overlong forms,
// surrogates and values above U+10FFFF) rather than from the table of the Unicode standard that
// the implementation follows, so that the two can check each other.
bool reference_is_valid_utf8(std::string_view text) {
  std::size_t offset = 0;
  while (offset < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[offset]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if ((lead & 0x80U) == 0) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
      code_point = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
      code_point = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
      code_point = lead & 0x07U;
    } else {
      return false;
    }
    if (text.size() - offset < length) return false;
    for (std::size_t index = 1; index < length; index++) {
      const auto continuation = static_cast<std::uint8_t>(text[offset + index]);
      if ((continuation & 0xC0U) != 0x80U) return false;
      code_point = (code_point << 6U) | (continuation & 0x3FU);
    }
    constexpr std::uint32_t smallest_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest_for_length[length]) return false;
    if (code_point >= 0xD800U && code_point <= 0xDFFFU) return false;
    if (code_point > 0x10FFFFU) return false;
    offset += length;
  }
  return true;
}

}  // namespace

TEST_CASE("well-formed UTF-8 is accepted") {
  for (const std::string_view text :
       {"", "Maria", "Ñuñez", "日本語", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF",
        "\xED\x9F\xBF", "\xEE\x80\x80", "caf\xC3\xA9"}) {
    CAPTURE(text);
    CHECK(domain::is_valid_utf8(text));
  }
}

TEST_CASE("malformed UTF-8 is refused: stray bytes, overlongs, surrogates, beyond U+10FFFF") {
  for (const std::string_view text : {"\x80",
                                      "\xBF",
                                      "\xC0\x80",
                                      "\xC1\xBF",
                                      "\xE0\x80\x80",
                                      "\xE0\x9F\xBF",
                                      "\xED\xA0\x80",
                                      "\xED\xBF\xBF",
                                      "\xF0\x80\x80\x80",
                                      "\xF0\x8F\xBF\xBF",
                                      "\xF4\x90\x80\x80",
                                      "\xF5\x80\x80\x80",
                                      "\xFE",
                                      "\xFF",
                                      "\xC3",
                                      "\xE2\x82",
                                      "\xF0\x9F\x98",
                                      "a\xC3(b",
                                      "caf\xE9",
                                      "\xC3\xA9\xA9"}) {
    CAPTURE(text);
    CHECK_FALSE(domain::is_valid_utf8(text));
  }
}

TEST_CASE("every Unicode scalar value encodes to valid UTF-8 and every surrogate does not") {
  std::size_t failures = 0;
  for (std::uint32_t code_point = 0; code_point <= 0x10FFFFU; code_point++) {
    const bool is_surrogate = code_point >= 0xD800U && code_point <= 0xDFFFU;
    const std::string encoded = encode_utf8(code_point);
    if (domain::is_valid_utf8(encoded) == is_surrogate) failures++;
    if (!is_surrogate && domain::utf8_sequence_length(encoded, 0) != encoded.size()) failures++;
  }
  CHECK(failures == 0);
}

TEST_CASE("the validator agrees with a reference decoder on every string of up to three bytes") {
  std::size_t disagreements = 0;
  std::string text;
  for (std::uint32_t value = 0; value < (1U << 24U); value++) {
    for (const std::size_t length : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (length < 3 && value >= (1U << (8U * length))) continue;
      text.clear();
      for (std::size_t index = length; index-- > 0;) {
        text.push_back(static_cast<char>((value >> (8U * index)) & 0xFFU));
      }
      if (domain::is_valid_utf8(text) != reference_is_valid_utf8(text)) disagreements++;
    }
  }
  CHECK(disagreements == 0);
}

TEST_CASE("the validator agrees with a reference decoder on random byte strings") {
  std::mt19937_64 generator(20240417);
  // Biased towards the bytes that matter: lead bytes and continuation bytes.
  std::uniform_int_distribution<int> pick(0, 255);
  std::size_t disagreements = 0;
  std::string text;
  for (int round = 0; round < 200'000; round++) {
    text.clear();
    const int length = 1 + round % 8;
    for (int index = 0; index < length; index++) {
      const int byte = pick(generator);
      text.push_back(static_cast<char>(byte < 128 ? 0x80 + byte % 64 : byte));
    }
    if (domain::is_valid_utf8(text) != reference_is_valid_utf8(text)) disagreements++;
  }
  CHECK(disagreements == 0);
}

TEST_CASE("code points are counted, not bytes, and an invalid byte counts as one") {
  CHECK(domain::count_code_points("") == 0);
  CHECK(domain::count_code_points("Maria") == 5);
  CHECK(domain::count_code_points("Ñuñez") == 5);
  CHECK(domain::count_code_points("日本") == 2);
  CHECK(domain::count_code_points("\xF0\x9F\x98\x80!") == 2);
  CHECK(domain::count_code_points("a\xFF"
                                  "b") == 3);
}

TEST_CASE("control characters include C0, DEL and C1 but not ordinary text") {
  CHECK(domain::is_control_character_at(std::string_view("\0", 1), 0));
  CHECK(domain::is_control_character_at("\x1F", 0));
  CHECK(domain::is_control_character_at("\x7F", 0));
  CHECK(domain::is_control_character_at("\xC2\x85", 0));
  CHECK(domain::is_control_character_at("\xC2\x9F", 0));
  CHECK_FALSE(domain::is_control_character_at("\xC2\xA0", 0));
  CHECK_FALSE(domain::is_control_character_at("A", 0));
  CHECK_FALSE(domain::is_control_character_at("A", 1));
}

TEST_CASE("trimming removes ASCII whitespace at both ends only") {
  CHECK(domain::trim_ascii_whitespace("  Maria \t\r\n") == "Maria");
  CHECK(domain::trim_ascii_whitespace("Mary Ann") == "Mary Ann");
  CHECK(domain::trim_ascii_whitespace(" \t ").empty());
  CHECK(domain::trim_ascii_whitespace("\xC2\xA0x") == "\xC2\xA0x");
}

TEST_CASE("collapsing whitespace trims and turns inner runs into one space") {
  CHECK(domain::collapse_whitespace("  123  Main\tSt\r\nApt 4 ") == "123 Main St Apt 4");
  CHECK(domain::collapse_whitespace("").empty());
  CHECK(domain::collapse_whitespace(" \n ").empty());
  std::string reused = "previous content that is long";
  domain::collapse_whitespace_into("a  b", reused);
  CHECK(reused == "a b");
}

TEST_CASE("ASCII case folding leaves other bytes alone") {
  CHECK(domain::to_ascii_lower("Maria@Example.COM") == "maria@example.com");
  CHECK(domain::to_ascii_upper("ñuñez st") == "ñUñEZ ST");
  CHECK(domain::equals_ignoring_ascii_case("Indoor Cam", "INDOOR cam"));
  CHECK_FALSE(domain::equals_ignoring_ascii_case("Indoor Cam", "Indoor Cam "));
  CHECK(domain::is_ascii_digits("0123456789"));
  CHECK_FALSE(domain::is_ascii_digits(""));
  CHECK_FALSE(domain::is_ascii_digits("12a"));
}

TEST_CASE("masks keep just enough of a name, email, ZIP, phone or address") {
  struct Example {
    std::string (*mask)(std::string_view);
    std::string_view input;
    std::string_view masked;
  };
  const Example examples[] = {
      {domain::mask_name, "Maria", "M****"},
      {domain::mask_name, "Mary Ann", "M*** A**"},
      {domain::mask_name, "Ñuñez", "Ñ****"},
      {domain::mask_name, "李小龍", "李**"},
      {domain::mask_name, "", ""},
      {domain::mask_name, "\xFFx", "**"},
      {domain::mask_email, "maria.lopez@example.com", "m***@e******.com"},
      {domain::mask_email, "a@b.co", "a***@b.co"},
      {domain::mask_email, "josé@correo.es", "j***@c*****.es"},
      {domain::mask_email, "ñ@dominio.mx", "ñ***@d******.mx"},
      {domain::mask_email, "maria@mail.example.co.uk", "m***@m**************.uk"},
      {domain::mask_email, "no-at-sign", "n***"},
      {domain::mask_postal_code, "94105", "941**"},
      {domain::mask_postal_code, "94105-1234", "941**-****"},
      {domain::mask_postal_code, "941", "***"},
      {domain::mask_phone, "(415) 555-0134", "(***) ***-0134"},
      {domain::mask_phone, "+1 415 555 0134", "+* *** *** 0134"},
      {domain::mask_phone, "555-01", "***-**"},
      {domain::mask_address, "123 Main St Apt 4", "*** M*** S* A** *"},
      {domain::mask_address, "42 Calle Ñandú", "** C**** Ñ****"},
  };
  for (const Example& example : examples) {
    CAPTURE(example.input);
    CHECK(example.mask(example.input) == example.masked);
  }
}

TEST_CASE("masked text is always valid UTF-8, whatever the input") {
  std::mt19937_64 generator(7);
  std::uniform_int_distribution<int> pick(0, 255);
  std::size_t invalid_outputs = 0;
  for (int round = 0; round < 20'000; round++) {
    std::string text;
    for (int index = 0; index < 1 + round % 16; index++) {
      text.push_back(static_cast<char>(pick(generator)));
    }
    for (const auto mask : {domain::mask_name, domain::mask_email, domain::mask_postal_code,
                            domain::mask_phone, domain::mask_address}) {
      const std::string masked = mask(text);
      // Control bytes pass through a mask as they came; validity is what the templates need.
      if (!domain::is_valid_utf8(masked)) invalid_outputs++;
    }
  }
  CHECK(invalid_outputs == 0);
}
