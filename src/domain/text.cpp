#include "disburse/domain/text.hpp"

#include <cstdint>

namespace disburse::domain {

namespace {

constexpr char mask_character = '*';

std::uint8_t byte_at(std::string_view text, std::size_t offset) {
  return static_cast<std::uint8_t>(text[offset]);
}

bool is_continuation_byte(std::uint8_t byte) {
  return (byte & 0xC0U) == 0x80U;
}

// The range allowed for the second byte of a sequence, which is where UTF-8 rules out overlong
// forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
struct SecondByteRange {
  std::uint8_t lowest;
  std::uint8_t highest;
};

SecondByteRange second_byte_range(std::uint8_t lead) {
  if (lead == 0xE0U) return {0xA0U, 0xBFU};
  if (lead == 0xEDU) return {0x80U, 0x9FU};
  if (lead == 0xF0U) return {0x90U, 0xBFU};
  if (lead == 0xF4U) return {0x80U, 0x8FU};
  return {0x80U, 0xBFU};
}

std::size_t expected_sequence_length(std::uint8_t lead) {
  if (lead < 0x80U) return 1;
  if (lead >= 0xC2U && lead <= 0xDFU) return 2;
  if (lead >= 0xE0U && lead <= 0xEFU) return 3;
  if (lead >= 0xF0U && lead <= 0xF4U) return 4;
  return 0;
}

// Appends the code point at `offset` or, when it is not valid UTF-8, one mask character; returns
// the number of bytes consumed.
std::size_t append_code_point_or_mask(std::string_view text, std::size_t offset, std::string& out) {
  const std::size_t length = utf8_sequence_length(text, offset);
  if (length == 0) {
    out.push_back(mask_character);
    return 1;
  }
  out.append(text.substr(offset, length));
  return length;
}

// Copies `text`, masking only the bytes that are not valid UTF-8.
void append_valid_or_mask(std::string_view text, std::string& out) {
  std::size_t offset = 0;
  while (offset < text.size()) offset += append_code_point_or_mask(text, offset, out);
}

// Skips one code point (or one invalid byte) and returns the bytes consumed.
std::size_t code_point_step(std::string_view text, std::size_t offset) {
  const std::size_t length = utf8_sequence_length(text, offset);
  return length == 0 ? 1 : length;
}

// Masks each word of `text` (words are separated by ASCII whitespace, which is kept). A word keeps
// its first code point unless `mask_digit_words` is set and the word starts with a digit.
std::string mask_words(std::string_view text, bool mask_digit_words) {
  std::string out;
  out.reserve(text.size());
  bool at_word_start = true;
  std::size_t offset = 0;
  while (offset < text.size()) {
    const char character = text[offset];
    if (is_ascii_whitespace(character)) {
      out.push_back(character);
      at_word_start = true;
      offset++;
      continue;
    }
    const bool keep = at_word_start && !(mask_digit_words && is_ascii_digit(character));
    if (keep) {
      offset += append_code_point_or_mask(text, offset, out);
    } else {
      out.push_back(mask_character);
      offset += code_point_step(text, offset);
    }
    at_word_start = false;
  }
  return out;
}

// Masks every code point of `text` except the first.
void append_first_code_point_then_mask(std::string_view text, std::string& out) {
  if (text.empty()) return;
  std::size_t offset = append_code_point_or_mask(text, 0, out);
  while (offset < text.size()) {
    out.push_back(mask_character);
    offset += code_point_step(text, offset);
  }
}

// Masks every digit of `text` from position `first_masked_digit` (counting digits from zero) on,
// and keeps every other character, so that separators still show the familiar shape.
std::string mask_digits_from(std::string_view text, std::size_t first_masked_digit,
                             std::size_t last_masked_digit) {
  std::string out;
  out.reserve(text.size());
  std::size_t digit_index = 0;
  std::size_t offset = 0;
  while (offset < text.size()) {
    if (is_ascii_digit(text[offset])) {
      const bool masked = digit_index >= first_masked_digit && digit_index <= last_masked_digit;
      out.push_back(masked ? mask_character : text[offset]);
      digit_index++;
      offset++;
    } else {
      offset += append_code_point_or_mask(text, offset, out);
    }
  }
  return out;
}

std::size_t count_digits(std::string_view text) {
  std::size_t digits = 0;
  for (const char character : text) {
    if (is_ascii_digit(character)) digits++;
  }
  return digits;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return 0;
  const std::uint8_t lead = byte_at(text, offset);
  const std::size_t length = expected_sequence_length(lead);
  if (length <= 1) return length;
  if (text.size() - offset < length) return 0;
  const SecondByteRange range = second_byte_range(lead);
  const std::uint8_t second = byte_at(text, offset + 1);
  if (second < range.lowest || second > range.highest) return 0;
  for (std::size_t index = 2; index < length; index++) {
    if (!is_continuation_byte(byte_at(text, offset + index))) return 0;
  }
  return length;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t offset = 0;
  while (offset < text.size()) {
    // ASCII is by far the most common case in customer lists; skip it without decoding.
    if (byte_at(text, offset) < 0x80U) {
      offset++;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, offset);
    if (length == 0) return false;
    offset += length;
  }
  return true;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t code_points = 0;
  for (std::size_t offset = 0; offset < text.size(); offset += code_point_step(text, offset)) {
    code_points++;
  }
  return code_points;
}

bool is_control_character_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return false;
  const std::uint8_t byte = byte_at(text, offset);
  if (byte < 0x20U || byte == 0x7FU) return true;
  // U+0080..U+009F is encoded as C2 80..C2 9F.
  return byte == 0xC2U && offset + 1 < text.size() && byte_at(text, offset + 1) >= 0x80U &&
         byte_at(text, offset + 1) <= 0x9FU;
}

bool is_ascii_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char character : text) {
    if (!is_ascii_digit(character)) return false;
  }
  return true;
}

std::string_view trim_ascii_whitespace(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_ascii_whitespace(text[begin])) begin++;
  while (end > begin && is_ascii_whitespace(text[end - 1])) end--;
  return text.substr(begin, end - begin);
}

void collapse_whitespace_into(std::string_view text, std::string& out) {
  out.clear();
  const std::string_view trimmed = trim_ascii_whitespace(text);
  bool previous_was_whitespace = false;
  for (const char character : trimmed) {
    if (is_ascii_whitespace(character)) {
      if (!previous_was_whitespace) out.push_back(' ');
      previous_was_whitespace = true;
    } else {
      out.push_back(character);
      previous_was_whitespace = false;
    }
  }
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  collapse_whitespace_into(text, out);
  return out;
}

void to_ascii_lower_in_place(std::string& text) {
  for (char& character : text) character = to_ascii_lower(character);
}

void to_ascii_upper_in_place(std::string& text) {
  for (char& character : text) character = to_ascii_upper(character);
}

std::string to_ascii_lower(std::string_view text) {
  std::string out(text);
  to_ascii_lower_in_place(out);
  return out;
}

std::string to_ascii_upper(std::string_view text) {
  std::string out(text);
  to_ascii_upper_in_place(out);
  return out;
}

bool equals_ignoring_ascii_case(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  for (std::size_t index = 0; index < left.size(); index++) {
    if (to_ascii_lower(left[index]) != to_ascii_lower(right[index])) return false;
  }
  return true;
}

std::string mask_name(std::string_view name) {
  return mask_words(name, false);
}

std::string mask_email(std::string_view email) {
  std::string out;
  const std::size_t at = email.rfind('@');
  const std::string_view local_part = email.substr(0, at);
  if (!local_part.empty()) {
    append_code_point_or_mask(local_part, 0, out);
    out.append(3, mask_character);
  }
  if (at == std::string_view::npos) return out;
  out.push_back('@');
  const std::string_view domain = email.substr(at + 1);
  const std::size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) {
    append_first_code_point_then_mask(domain, out);
    return out;
  }
  append_first_code_point_then_mask(domain.substr(0, last_dot), out);
  append_valid_or_mask(domain.substr(last_dot), out);
  return out;
}

std::string mask_postal_code(std::string_view postal_code) {
  constexpr std::size_t shown_digits = 3;
  const std::size_t digits = count_digits(postal_code);
  const std::size_t first_masked = digits >= 5 ? shown_digits : 0;
  return mask_digits_from(postal_code, first_masked, digits);
}

std::string mask_phone(std::string_view phone) {
  constexpr std::size_t shown_last_digits = 4;
  constexpr std::size_t fewest_digits_to_show = 7;
  const std::size_t digits = count_digits(phone);
  const std::size_t last_masked =
      digits >= fewest_digits_to_show ? digits - shown_last_digits - 1 : digits;
  return mask_digits_from(phone, 0, last_masked);
}

std::string mask_address(std::string_view address) {
  return mask_words(address, true);
}

}  // namespace disburse::domain
