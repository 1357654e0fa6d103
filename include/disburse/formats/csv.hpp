#pragma once
// Streaming RFC 4180 CSV reading and writing.
//
// The reader pulls large blocks from a std::istream and copies each field out as it scans, so its
// memory is bounded by the configured limits, never by the size of the file: a 10 MB field is
// scanned and truncated, not buffered. Every problem is reported per record as a CsvError, and
// reading goes on with the next record, so that one bad row never hides the good ones after it.
//
// Grammar accepted by the reader:
// - Fields are separated by ',' and records end with LF, CRLF or a lone CR.
// - A field that starts with '"' is quoted: it may contain ',', CR, LF and '""' (one quote).
//   A '"' anywhere else in an unquoted field is kept as data, as spreadsheets do.
// - A UTF-8 byte order mark at the very start of the stream is skipped.
// - Blank lines (no byte before the line ending) are not records, wherever they are; they still
//   count for line numbers. A last record without a line ending is read.
//
// Recovery after each error (the record is always returned, with its error set):
// - garbage_after_closing_quote: the bytes after the closing quote are appended to the field as
//   if unquoted, and the record goes on to its normal end.
// - field_too_long: the field keeps its first max_field_size_bytes and the rest is scanned and
//   dropped; the record goes on. Only the first error of a record is reported.
// - too_many_fields: the fields beyond max_fields_per_record are scanned and dropped.
// - record_too_long: the record is abandoned and the reader skips to the end of the physical line,
//   ignoring quotes. A record that large is most often a stray quote that swallowed the lines
//   after it; resynchronising at the next line break saves the records that follow.
// - nul_byte and invalid_utf8: the bytes are kept as read; the record goes on to its normal end.
// - unbalanced_quote: end of input inside a quoted field. The record is returned with what was
//   read, and it is the last one.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace disburse::formats {

// Why a record was refused by the reader; `none` means it parsed cleanly.
enum class CsvError {
  none,
  unbalanced_quote,
  garbage_after_closing_quote,
  field_too_long,
  too_many_fields,
  record_too_long,
  nul_byte,
  invalid_utf8,
};

// A stable snake_case name for an error, such as "field_too_long", for reason codes and logs.
std::string_view to_string(CsvError error);

// True when `text` is well-formed UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), no
// code point above U+10FFFF and no truncated sequence.
bool is_valid_utf8(std::string_view text);

struct CsvLimits {
  // Sized for import files: no name, address or email is anywhere near 4 KiB.
  std::size_t max_field_size_bytes = 4096;
  std::size_t max_fields_per_record = 64;
  std::size_t max_record_size_bytes = 64 * 1024;
  // How much is read from the stream at a time. Large blocks keep the per-call cost of the
  // stream negligible; tests use tiny blocks to exercise every block boundary.
  std::size_t block_size_bytes = 1024 * 1024;
};

// One record as read. The reader reuses it: the field strings keep their capacity from one record
// to the next, so that reading a typical file does not allocate per row.
class CsvRecord {
 public:
  std::span<const std::string> fields() const { return {storage_.data(), field_count_}; }
  std::size_t size() const { return field_count_; }
  const std::string& operator[](std::size_t index) const;

  // The 1-based physical line on which the record starts. Quoted line breaks inside earlier
  // records are counted, so this is the line a text editor shows.
  std::uint64_t line_number() const { return line_number_; }
  // Byte offsets in the stream (the BOM included) of the record's first byte and of the byte
  // after its line ending.
  std::uint64_t start_offset_bytes() const { return start_offset_bytes_; }
  std::uint64_t end_offset_bytes() const { return end_offset_bytes_; }

  CsvError error() const { return error_; }
  bool ok() const { return error_ == CsvError::none; }
  // The 0-based index of the field where the error was found (too_many_fields: the first field
  // dropped; record_too_long: the field being read when the limit was crossed).
  std::size_t error_field_index() const { return error_field_index_; }

 private:
  friend class CsvReader;

  std::vector<std::string> storage_;
  std::size_t field_count_ = 0;
  std::uint64_t line_number_ = 0;
  std::uint64_t start_offset_bytes_ = 0;
  std::uint64_t end_offset_bytes_ = 0;
  CsvError error_ = CsvError::none;
  std::size_t error_field_index_ = 0;
};

class CsvReader {
 public:
  // Throws InvalidInput when a limit is zero, and std::ios_base::failure when the stream is
  // already failed (a file that did not open).
  explicit CsvReader(std::istream& input, CsvLimits limits = {});

  // Reads the next record into `record`; false at the end of the input. Throws
  // std::ios_base::failure when the stream reports a read error, so that an I/O failure never
  // passes for a short file.
  bool next(CsvRecord& record);

  // Bytes consumed from the stream so far, up to the end of the last record returned.
  std::uint64_t bytes_consumed() const { return consumed_offset_bytes_; }

  // The reader's own block buffer size plus what `record` holds in its field strings: the memory
  // that reading costs, which the limits bound whatever the input.
  std::size_t buffered_capacity_bytes(const CsvRecord& record) const;

 private:
  // How a field ended: at a comma, at a line ending, at the end of the input, or abandoned
  // because the record crossed max_record_size_bytes.
  enum class FieldEnd { delimiter, record_end, end_of_input, abandoned };

  bool fill();
  bool has_data() { return position_ < end_ || fill(); }
  std::uint64_t offset_of(const char* position) const;
  FieldEnd read_field(CsvRecord& record);
  void begin_field(CsvRecord& record);
  void append(CsvRecord& record, const char* data, std::size_t size_bytes);
  void finish_field(CsvRecord& record);
  void fail(CsvRecord& record, CsvError error);
  bool append_within_record(CsvRecord& record, const char* start);
  void note_line_break();
  void consume_line_ending();
  void skip_blank_lines();
  FieldEnd read_unquoted(CsvRecord& record);
  FieldEnd read_quoted(CsvRecord& record);
  FieldEnd after_closing_quote(CsvRecord& record);
  FieldEnd end_of_field();
  FieldEnd skip_to_line_end();

  std::istream& input_;
  CsvLimits limits_;
  std::unique_ptr<char[]> block_;
  const char* position_ = nullptr;
  const char* end_ = nullptr;
  std::uint64_t block_offset_bytes_ = 0;
  std::uint64_t consumed_offset_bytes_ = 0;
  std::uint64_t line_number_ = 1;
  bool last_block_ended_with_cr_ = false;
  bool at_stream_start_ = true;
  bool input_exhausted_ = false;
  // The field being read: where its bytes go, or null once it is full or beyond the field limit.
  std::string* field_ = nullptr;
  bool field_is_ascii_ = true;
  std::size_t current_field_index_ = 0;
};

enum class LineEnding { lf, crlf };

struct CsvWriterOptions {
  LineEnding line_ending = LineEnding::lf;
};

// Writes RFC 4180 CSV, quoting a field only when it needs it (a comma, a quote, CR, LF, or a
// leading or trailing space that a spreadsheet would trim). Output is buffered and written to the
// stream in large pieces; call flush() to push it out and to see stream errors.
class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& output, CsvWriterOptions options = {});
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  // Flushes what is buffered; errors are swallowed here, so call flush() to see them.
  ~CsvWriter();

  // A text cell: if it starts with '=', '+', '-', '@', TAB or CR, a spreadsheet would run it as a
  // formula, so it is prefixed with a single quote (OWASP CSV injection guidance). Use this for
  // every cell whose content came from outside: names, addresses, free text.
  void write_text(std::string_view field);
  // A cell written as is (still quoted when needed): for values this program produced and knows
  // to be numbers or codes, such as the amount "-12.00", which must stay a number.
  void write_plain(std::string_view field);
  // Ends the record. A record needs at least one field.
  void end_record();

  template <typename Range>
  void write_text_record(const Range& fields) {
    for (const auto& field : fields) write_text(field);
    end_record();
  }
  template <typename Range>
  void write_plain_record(const Range& fields) {
    for (const auto& field : fields) write_plain(field);
    end_record();
  }

  // Writes the buffer to the stream and flushes it; throws std::ios_base::failure if the stream
  // failed, so that a full disk never passes for a complete file.
  void flush();

 private:
  void write_field(std::string_view prefix, std::string_view field);
  void write_buffer_to_stream();

  std::ostream& output_;
  CsvWriterOptions options_;
  std::string buffer_;
  std::size_t fields_in_record_ = 0;
  bool last_field_empty_ = false;
};

}  // namespace disburse::formats
