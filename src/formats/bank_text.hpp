#pragma once
// Internal helpers shared by the fixed-width bank formats (NACHA and Positive Pay): digit
// checks, justified fields and the mapping of free text to the upper-case ASCII that banks
// accept. Not part of the public API; only src/formats includes it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "disburse/domain/assert.hpp"

namespace disburse::formats::detail {

inline bool is_ascii_digit(char character) {
  return character >= '0' && character <= '9';
}

inline bool is_ascii_upper(char character) {
  return character >= 'A' && character <= 'Z';
}

inline bool is_ascii_lower(char character) {
  return character >= 'a' && character <= 'z';
}

// True for a non-empty text made of ASCII digits only.
inline bool is_all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char character : text) {
    if (!is_ascii_digit(character)) return false;
  }
  return true;
}

// Parses a non-empty run of ASCII digits. Refuses anything else, and values above 10^18, which
// no field of these formats can hold, so the result never overflows.
inline bool parse_digits(std::string_view text, std::uint64_t& value) {
  if (!is_all_digits(text) || text.size() > 18) return false;
  value = 0;
  for (const char digit : text) value = value * 10 + static_cast<std::uint64_t>(digit - '0');
  return true;
}

// A numeric field: right-justified and zero-filled. The caller has checked that it fits.
inline std::string zero_filled(std::uint64_t value, std::size_t width) {
  std::string digits = std::to_string(value);
  DISBURSE_ASSERT(digits.size() <= width);
  return std::string(width - digits.size(), '0') + digits;
}

// An alphanumeric field: left-justified and space-filled. The caller has checked that it fits.
inline std::string space_filled(std::string_view text, std::size_t width) {
  DISBURSE_ASSERT(text.size() <= width);
  std::string field(text);
  field.append(width - text.size(), ' ');
  return field;
}

// Removes leading and trailing spaces, which fixed-width fields use as filler.
inline std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// Upper-case ASCII spellings of the Latin-1 letters U+00C0 to U+00FF, so that "José Muñoz"
// reaches the bank as "JOSE MUNOZ" rather than losing letters. The two signs in the block
// (multiplication and division) map to nothing.
inline constexpr std::array<std::string_view, 64> latin1_letters = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "SS",
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "Y"};

// Punctuation that every bank we know of accepts in names; anything else becomes a space.
inline bool is_bank_punctuation(char character) {
  return character == '-' || character == '.' || character == ',' || character == '\'' ||
         character == '&' || character == '/';
}

// Appends the bank spelling of one ASCII character, or a space for a character banks refuse.
inline void append_bank_character(std::string& output, char character) {
  if (is_ascii_lower(character)) {
    output += static_cast<char>(character - 'a' + 'A');
  } else if (is_ascii_upper(character) || is_ascii_digit(character) ||
             is_bank_punctuation(character)) {
    output += character;
  } else {
    output += ' ';
  }
}

// The number of bytes of the UTF-8 sequence that starts with `lead`; 1 for a stray byte, so
// that invalid input is skipped one byte at a time.
inline std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

// Collapses runs of spaces to one, drops spaces at both ends and cuts to `max_length`.
inline std::string collapse_spaces(std::string_view text, std::size_t max_length) {
  std::string result;
  for (const char character : text) {
    if (character == ' ' && (result.empty() || result.back() == ' ')) continue;
    result += character;
  }
  if (result.size() > max_length) result.resize(max_length);
  while (!result.empty() && result.back() == ' ') result.pop_back();
  return result;
}

// Maps free UTF-8 text such as a person's name to upper-case ASCII letters, digits, spaces and
// a little punctuation, at most `max_length` characters. Latin-1 accents lose their marks,
// other non-ASCII characters are dropped, and control characters become spaces.
inline std::string to_bank_text(std::string_view utf8_text, std::size_t max_length) {
  std::string mapped;
  std::size_t index = 0;
  while (index < utf8_text.size()) {
    const auto lead = static_cast<unsigned char>(utf8_text[index]);
    if (lead < 0x80) {
      append_bank_character(mapped, static_cast<char>(lead));
      index++;
      continue;
    }
    const std::size_t length = utf8_sequence_length(lead);
    if (lead == 0xC3 && index + 1 < utf8_text.size()) {
      const auto trail = static_cast<unsigned char>(utf8_text[index + 1]);
      if (trail >= 0x80 && trail <= 0xBF) mapped += latin1_letters[trail - 0x80u];
    }
    index += length;
  }
  return collapse_spaces(mapped, max_length);
}

// True for printable ASCII, the only bytes allowed in a NACHA or Positive Pay record.
inline bool is_printable_ascii(std::string_view text) {
  for (const char character : text) {
    if (character < ' ' || character > '~') return false;
  }
  return true;
}

}  // namespace disburse::formats::detail
