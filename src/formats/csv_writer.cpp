#include <ios>

#include "disburse/domain/assert.hpp"
#include "disburse/formats/csv.hpp"

namespace disburse::formats {

namespace {

// Large enough that the stream is called once per many rows, small enough to stay in cache.
constexpr std::size_t flush_threshold_bytes = 64 * 1024;

// The characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection").
bool starts_like_formula(std::string_view field) {
  if (field.empty()) return false;
  switch (field.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

// Spaces at either end are quoted because spreadsheets and many CSV readers trim them otherwise.
bool needs_quotes(std::string_view field) {
  if (field.empty()) return false;
  if (field.front() == ' ' || field.back() == ' ') return true;
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void append_doubling_quotes(std::string& buffer, std::string_view field) {
  std::size_t start = 0;
  while (true) {
    const std::size_t quote = field.find('"', start);
    if (quote == std::string_view::npos) {
      buffer.append(field.substr(start));
      return;
    }
    buffer.append(field.substr(start, quote + 1 - start));
    buffer.push_back('"');
    start = quote + 1;
  }
}

}  // namespace

CsvWriter::CsvWriter(std::ostream& output, CsvWriterOptions options)
    : output_(output), options_(options) {
  buffer_.reserve(flush_threshold_bytes + 4096);
}

CsvWriter::~CsvWriter() {
  // A destructor must not throw; callers who need to know that the data reached the stream call
  // flush() themselves, which reports the failure.
  try {
    write_buffer_to_stream();
    output_.flush();
  } catch (...) {
  }
}

void CsvWriter::write_text(std::string_view field) {
  write_field(starts_like_formula(field) ? "'" : "", field);
}

void CsvWriter::write_plain(std::string_view field) {
  write_field("", field);
}

void CsvWriter::write_field(std::string_view prefix, std::string_view field) {
  if (fields_in_record_ > 0) buffer_.push_back(',');
  fields_in_record_++;
  last_field_empty_ = prefix.empty() && field.empty();
  if (needs_quotes(field)) {
    buffer_.push_back('"');
    buffer_.append(prefix);
    append_doubling_quotes(buffer_, field);
    buffer_.push_back('"');
  } else {
    buffer_.append(prefix);
    buffer_.append(field);
  }
  if (buffer_.size() >= flush_threshold_bytes) write_buffer_to_stream();
}

void CsvWriter::end_record() {
  DISBURSE_ASSERT(fields_in_record_ > 0);
  // A record of one empty field would be a blank line, which readers skip; "" keeps it.
  if (fields_in_record_ == 1 && last_field_empty_) buffer_.append("\"\"");
  buffer_.append(options_.line_ending == LineEnding::crlf ? "\r\n" : "\n");
  fields_in_record_ = 0;
  if (buffer_.size() >= flush_threshold_bytes) write_buffer_to_stream();
}

void CsvWriter::flush() {
  write_buffer_to_stream();
  output_.flush();
  if (!output_) throw std::ios_base::failure("csv: writing the output failed");
}

void CsvWriter::write_buffer_to_stream() {
  if (buffer_.empty()) return;
  output_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

}  // namespace disburse::formats
