#pragma once
// Text helpers of the domain: UTF-8 validation, ASCII trimming and case folding, and the masking
// of personal data shown in lists (DESIGN.md "Masking").
//
// Case folding is ASCII only on purpose: it is what header names, state codes, email domains and
// USPS address words need, it cannot change the byte length of a string, and it never depends on
// a locale. Masking works on code points, so "Ñuñez" masks to "Ñ****" and never cuts a multi-byte
// character in half.

#include <cstddef>
#include <string>
#include <string_view>

namespace disburse::domain {

// The length in bytes of the well-formed UTF-8 sequence starting at `offset`, or 0 when the bytes
// there are not one: a stray continuation byte, an overlong form, a surrogate (U+D800..U+DFFF), a
// code point above U+10FFFF or a sequence cut short by the end of `text`.
std::size_t utf8_sequence_length(std::string_view text, std::size_t offset);

// True when every byte of `text` belongs to a well-formed UTF-8 sequence.
bool is_valid_utf8(std::string_view text);

// The number of code points in `text`; an invalid byte counts as one.
std::size_t count_code_points(std::string_view text);

// True for an ASCII control character or a C1 control (U+0080..U+009F) starting at `offset`.
// C1 controls in an imported list are the usual sign of Windows-1252 text decoded twice.
bool is_control_character_at(std::string_view text, std::size_t offset);

// Space, tab, line feed, carriage return, vertical tab and form feed.
constexpr bool is_ascii_whitespace(char character) {
  return character == ' ' || (character >= '\t' && character <= '\r');
}

constexpr bool is_ascii_digit(char character) {
  return character >= '0' && character <= '9';
}

constexpr bool is_ascii_letter(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

constexpr char to_ascii_lower(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                              : character;
}

constexpr char to_ascii_upper(char character) {
  return character >= 'a' && character <= 'z' ? static_cast<char>(character - 'a' + 'A')
                                              : character;
}

// True when `text` is non-empty and holds only the digits 0-9.
bool is_ascii_digits(std::string_view text);

// `text` without leading and trailing ASCII whitespace.
std::string_view trim_ascii_whitespace(std::string_view text);

// `text` trimmed, with every inner run of ASCII whitespace (tabs and line breaks included)
// replaced by one space. Written into `out`, which keeps its capacity between calls.
void collapse_whitespace_into(std::string_view text, std::string& out);
std::string collapse_whitespace(std::string_view text);

void to_ascii_lower_in_place(std::string& text);
void to_ascii_upper_in_place(std::string& text);
std::string to_ascii_lower(std::string_view text);
std::string to_ascii_upper(std::string_view text);

bool equals_ignoring_ascii_case(std::string_view left, std::string_view right);

// Masks keep just enough to recognise a record in a list without exposing it. Each masked code
// point becomes one '*'; bytes that are not valid UTF-8 are masked too, never copied.

// "Maria" → "M****", "Mary Ann" → "M*** A**": the first code point of each word is kept.
std::string mask_name(std::string_view name);

// "maria.lopez@example.com" → "m***@e******.com". The local part always shows three stars so that
// its length is not revealed; the domain keeps its first code point and its top-level domain.
// Text without an '@' masks to its first code point and three stars.
std::string mask_email(std::string_view email);

// "94105" → "941**", "94105-1234" → "941**-****". The first three digits name a sectional
// center (a region of a state), which is coarse enough to show. Shorter values mask fully.
std::string mask_postal_code(std::string_view postal_code);

// "(415) 555-0134" → "(***) ***-0134": the last four digits stay, as on a bank statement.
// Numbers with fewer than seven digits mask every digit.
std::string mask_phone(std::string_view phone);

// "123 Main St Apt 4" → "*** M*** S* A** *": every digit is masked, because the house number
// identifies the home, and every word keeps only its first letter.
std::string mask_address(std::string_view address);

}  // namespace disburse::domain
