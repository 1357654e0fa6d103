#pragma once
// Internal RFC 4180 helpers shared by the PayPal and check formats: a bounded line reader, a
// record splitter that honours quotes (including quoted line breaks), and cell writers that
// quote when needed and neutralise spreadsheet formulas. Result files are small, so reading
// one record at a time from a std::istream is plenty. Not part of the public API.

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace disburse::formats::detail {

enum class LineReadStatus { line, too_long, end_of_input };

// Reads one physical line without its "\n" or a "\r" before it. A line longer than
// `max_length` is consumed to its end but reported as too_long with its text cut, so that one
// huge line of junk cannot exhaust memory.
inline LineReadStatus read_bounded_line(std::istream& input, std::string& line,
                                        std::size_t max_length) {
  line.clear();
  bool too_long = false;
  bool read_anything = false;
  std::istream::int_type next = 0;
  while ((next = input.get()) != std::istream::traits_type::eof()) {
    read_anything = true;
    const char character = std::istream::traits_type::to_char_type(next);
    if (character == '\n') break;
    if (line.size() < max_length + 1) {
      line += character;
    } else {
      too_long = true;
    }
  }
  if (!read_anything) return LineReadStatus::end_of_input;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (too_long || line.size() > max_length) {
    line.resize(max_length);
    return LineReadStatus::too_long;
  }
  return LineReadStatus::line;
}

// Why a record could not be split into fields.
enum class SplitError {
  none,
  unterminated_quote,
  quote_in_unquoted_field,
  text_after_closing_quote
};

// Splits one record into fields per RFC 4180. `unterminated_quote` means the record continues
// on the next physical line (or that the file ended inside a quoted field).
inline SplitError split_record(std::string_view record, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  std::size_t index = 0;
  bool at_field_start = true;
  while (index < record.size()) {
    const char character = record[index];
    if (character == ',') {
      fields.emplace_back();
      at_field_start = true;
      index++;
    } else if (character == '"' && at_field_start) {
      std::string& field = fields.back();
      index++;
      for (;;) {
        if (index >= record.size()) return SplitError::unterminated_quote;
        if (record[index] != '"') {
          field += record[index++];
        } else if (index + 1 < record.size() && record[index + 1] == '"') {
          field += '"';
          index += 2;
        } else {
          index++;
          break;
        }
      }
      if (index < record.size() && record[index] != ',')
        return SplitError::text_after_closing_quote;
      at_field_start = false;
    } else if (character == '"') {
      return SplitError::quote_in_unquoted_field;
    } else {
      fields.back() += character;
      at_field_start = false;
      index++;
    }
  }
  return SplitError::none;
}

// One logical CSV record: its fields, or why it could not be read.
struct DelimitedRecord {
  std::size_t line_number = 0;  // the physical line the record starts on, counted from 1
  std::vector<std::string> fields;
  SplitError split_error = SplitError::none;
  bool too_long = false;
};

// Reads CSV records one at a time. Blank lines are skipped; a UTF-8 byte order mark before
// the first record is dropped. A quoted field may span lines, up to `max_record_length`
// characters in all, so a stray quote cannot swallow the rest of the file.
class DelimitedReader {
 public:
  DelimitedReader(std::istream& input, std::size_t max_record_length)
      : input_(input), max_record_length_(max_record_length) {}

  // Fills `record` and returns true, or returns false at the end of the input.
  bool next(DelimitedRecord& record) {
    std::string line;
    LineReadStatus status = LineReadStatus::line;
    do {
      status = read_line(line);
      if (status == LineReadStatus::end_of_input) return false;
    } while (status == LineReadStatus::line && line.empty());
    record.line_number = line_number_;
    record.too_long = status == LineReadStatus::too_long;
    record.split_error = record.too_long ? SplitError::none : split_record(line, record.fields);
    if (record.too_long) record.fields.clear();
    while (record.split_error == SplitError::unterminated_quote && !record.too_long) {
      std::string continuation;
      const LineReadStatus more = read_line(continuation);
      if (more == LineReadStatus::end_of_input) break;
      line += '\n';
      line += continuation;
      record.too_long = more == LineReadStatus::too_long || line.size() > max_record_length_;
      if (!record.too_long) record.split_error = split_record(line, record.fields);
    }
    return true;
  }

 private:
  LineReadStatus read_line(std::string& line) {
    const LineReadStatus status = read_bounded_line(input_, line, max_record_length_);
    if (status == LineReadStatus::end_of_input) return status;
    line_number_++;
    if (line_number_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    return status;
  }

  std::istream& input_;
  std::size_t max_record_length_;
  std::size_t line_number_ = 0;
};

// Lower-cases ASCII letters and trims spaces and tabs, for matching header names.
inline std::string normalized_header_name(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  std::string lowered(name);
  for (char& character : lowered) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
  return lowered;
}

// Writes a cell, quoting it when it holds a comma, a quote or a line break.
inline void write_plain_cell(std::ostream& output, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    output << text;
    return;
  }
  output << '"';
  for (const char character : text) {
    if (character == '"') output << '"';
    output << character;
  }
  output << '"';
}

// Writes a cell of free text such as a name or a note. Control characters become spaces, and
// a cell that a spreadsheet would evaluate as a formula (leading =, +, -, @) gets a leading
// apostrophe, because finance staff open these files in spreadsheets.
inline void write_text_cell(std::ostream& output, std::string_view text) {
  std::string cleaned;
  cleaned.reserve(text.size() + 1);
  for (const char character : text) {
    const bool control = (character >= 0 && character < ' ') || character == 0x7F;
    cleaned += control ? ' ' : character;
  }
  if (!cleaned.empty() &&
      std::string_view("=+-@").find(cleaned.front()) != std::string_view::npos) {
    cleaned.insert(cleaned.begin(), '\'');
  }
  write_plain_cell(output, cleaned);
}

// The record separator of every CSV file we write, as RFC 4180 specifies.
inline constexpr std::string_view csv_line_end = "\r\n";

}  // namespace disburse::formats::detail
