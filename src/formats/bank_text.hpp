#pragma once
// Internal helpers shared by the payment-rail formats: digit checks, justified fields, the
// mapping of free text to the upper-case ASCII that banks accept, and duplicate detection.
// Not part of the public API; only src/formats includes it.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Appends characters to a string while collapsing runs of spaces to one, dropping spaces at
// both ends and stopping at a maximum length, all without a temporary string.
class BankTextSink {
 public:
  BankTextSink(std::string& output, std::size_t max_length)
      : output_(output), start_(output.size()), max_length_(max_length) {}

  void put(char character) {
    if (full_) return;
    if (character == ' ') {
      pending_space_ = length() > 0;
      return;
    }
    const std::size_t needed = pending_space_ ? 2 : 1;
    if (length() + needed > max_length_) {
      full_ = true;
      return;
    }
    if (pending_space_) output_ += ' ';
    pending_space_ = false;
    output_ += character;
  }

  void put(std::string_view characters) {
    for (const char character : characters) put(character);
  }

 private:
  std::size_t length() const { return output_.size() - start_; }

  std::string& output_;
  std::size_t start_;
  std::size_t max_length_;
  bool pending_space_ = false;
  bool full_ = false;
};

// Puts the bank spelling of one ASCII character, or a space for a character banks refuse.
inline void put_bank_character(BankTextSink& sink, char character) {
  if (is_ascii_lower(character)) {
    sink.put(static_cast<char>(character - 'a' + 'A'));
  } else if (is_ascii_upper(character) || is_ascii_digit(character) ||
             is_bank_punctuation(character)) {
    sink.put(character);
  } else {
    sink.put(' ');
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

// Appends free UTF-8 text such as a person's name as upper-case ASCII letters, digits, single
// spaces and a little punctuation, at most `max_length` characters. Latin-1 accents lose their
// marks, other non-ASCII characters are dropped, and control characters become spaces.
inline void append_bank_text(std::string& output, std::string_view utf8_text,
                             std::size_t max_length) {
  BankTextSink sink(output, max_length);
  std::size_t index = 0;
  while (index < utf8_text.size()) {
    const auto lead = static_cast<unsigned char>(utf8_text[index]);
    if (lead < 0x80) {
      put_bank_character(sink, static_cast<char>(lead));
      index++;
      continue;
    }
    if (lead == 0xC3 && index + 1 < utf8_text.size()) {
      const auto trail = static_cast<unsigned char>(utf8_text[index + 1]);
      if (trail >= 0x80 && trail <= 0xBF) sink.put(latin1_letters[trail - 0x80u]);
    }
    index += utf8_sequence_length(lead);
  }
}

// The bank spelling of free text, as append_bank_text writes it.
inline std::string to_bank_text(std::string_view utf8_text, std::size_t max_length) {
  std::string text;
  append_bank_text(text, utf8_text, max_length);
  return text;
}

// True for printable ASCII, the only bytes allowed in a NACHA or Positive Pay record.
inline bool is_printable_ascii(std::string_view text) {
  for (const char character : text) {
    if (character < ' ' || character > '~') return false;
  }
  return true;
}

// Builds fixed-width records field by field in one reused buffer, so that a file of a million
// entries does not cost millions of temporary strings.
class FixedWidthRecord {
 public:
  explicit FixedWidthRecord(std::size_t length) : length_(length) { text_.reserve(length); }

  FixedWidthRecord& start() {
    text_.clear();
    return *this;
  }
  // Text written as it is; the caller has sized it.
  FixedWidthRecord& exact(std::string_view text) {
    text_.append(text);
    return *this;
  }
  FixedWidthRecord& exact(char character) {
    text_ += character;
    return *this;
  }
  // An alphanumeric field: left-justified and space-filled. The caller has checked the fit.
  FixedWidthRecord& alphanumeric(std::string_view text, std::size_t width) {
    DISBURSE_ASSERT(text.size() <= width);
    text_.append(text);
    text_.append(width - text.size(), ' ');
    return *this;
  }
  // Free text mapped to bank characters, cut to the width, left-justified and space-filled.
  FixedWidthRecord& bank_text(std::string_view utf8_text, std::size_t width) {
    const std::size_t field_start = text_.size();
    append_bank_text(text_, utf8_text, width);
    text_.append(width - (text_.size() - field_start), ' ');
    return *this;
  }
  // A numeric field: right-justified and zero-filled. The caller has checked the fit.
  FixedWidthRecord& numeric(std::uint64_t value, std::size_t width) {
    char digits[20];
    std::size_t count = 0;
    do {
      digits[count++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    DISBURSE_ASSERT(count <= width);
    text_.append(width - count, '0');
    while (count > 0) text_ += digits[--count];
    return *this;
  }
  // The finished record; it must have exactly the record length in printable ASCII.
  const std::string& finish() const {
    DISBURSE_ASSERT(text_.size() == length_);
    DISBURSE_ASSERT(is_printable_ascii(text_));
    return text_;
  }

 private:
  std::size_t length_;
  std::string text_;
};

// Marks every item whose key equals an earlier item's key; the first occurrence stays unmarked.
// It sorts 64-bit hashes instead of filling a hash set, because batches reach a million items
// and sorting integers is several times faster there than chasing hash-set nodes. Items with
// equal hashes are then ordered by key, so even a batch of identical keys stays O(n log n).
template <typename Items, typename KeyOf>
std::vector<bool> mark_repeated_keys(const Items& items, KeyOf key_of) {
  using Key = std::decay_t<decltype(key_of(items[0]))>;
  std::vector<std::pair<std::size_t, std::size_t>> hashed(items.size());
  for (std::size_t index = 0; index < items.size(); index++) {
    hashed[index] = {std::hash<Key>{}(key_of(items[index])), index};
  }
  std::sort(hashed.begin(), hashed.end());
  std::vector<bool> repeated(items.size(), false);
  std::vector<std::size_t> run;
  for (std::size_t start = 0; start < hashed.size();) {
    std::size_t end = start + 1;
    while (end < hashed.size() && hashed[end].first == hashed[start].first) end++;
    if (end - start > 1) {
      run.clear();
      for (std::size_t position = start; position < end; position++) {
        run.push_back(hashed[position].second);
      }
      // The run is in index order, and a stable sort by key keeps it so among equal keys.
      std::stable_sort(run.begin(), run.end(), [&](std::size_t left, std::size_t right) {
        return key_of(items[left]) < key_of(items[right]);
      });
      for (std::size_t position = 1; position < run.size(); position++) {
        if (key_of(items[run[position]]) == key_of(items[run[position - 1]])) {
          repeated[run[position]] = true;
        }
      }
    }
    start = end;
  }
  return repeated;
}

}  // namespace disburse::formats::detail
