#include <algorithm>
#include <array>
#include <cstring>
#include <ios>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/formats/csv.hpp"

namespace disburse::formats {

namespace {

using ByteTable = std::array<bool, 256>;

constexpr ByteTable make_byte_table(std::string_view bytes, bool with_non_ascii = false) {
  ByteTable table{};
  for (const char byte : bytes) table[static_cast<unsigned char>(byte)] = true;
  for (std::size_t byte = 0x80; byte <= 0xFF; byte++) table[byte] = with_non_ascii;
  return table;
}

// The bytes that end a run of plain field content, so that the scanning loops copy everything
// between them in one append. While a field is all ASCII, its scan also stops at the first
// non-ASCII byte: then only the rare fields that have one pay for UTF-8 validation.
constexpr std::string_view unquoted_specials(",\r\n\0", 4);
constexpr std::string_view quoted_specials("\"\r\n\0", 4);
constexpr ByteTable unquoted_stops = make_byte_table(unquoted_specials);
constexpr ByteTable unquoted_stops_while_ascii = make_byte_table(unquoted_specials, true);
constexpr ByteTable quoted_stops = make_byte_table(quoted_specials);
constexpr ByteTable quoted_stops_while_ascii = make_byte_table(quoted_specials, true);
constexpr ByteTable line_break_bytes = make_byte_table("\r\n");

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

const char* scan_until(const char* position, const char* end, const ByteTable& stops) {
  while (position < end && !stops[static_cast<unsigned char>(*position)]) ++position;
  return position;
}

bool is_non_ascii(char byte) {
  return static_cast<unsigned char>(byte) >= 0x80;
}

bool is_continuation_byte(unsigned char byte) {
  return (byte & 0xC0U) == 0x80U;
}

// Checks one multi-byte sequence starting at `bytes[0]` against the well-formed byte sequences
// of the Unicode standard (table 3-7); returns its length, or 0 when it is ill-formed.
std::size_t well_formed_sequence_length(const unsigned char* bytes, std::size_t available) {
  const unsigned char lead = bytes[0];
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // Overlong below U+0800.
    if (lead == 0xED) second_high = 0x9F;  // Surrogates U+D800..U+DFFF.
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // Overlong below U+10000.
    if (lead == 0xF4) second_high = 0x8F;  // Above U+10FFFF.
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (bytes[1] < second_low || bytes[1] > second_high) return 0;
  for (std::size_t index = 2; index < length; index++) {
    if (!is_continuation_byte(bytes[index])) return 0;
  }
  return length;
}

}  // namespace

std::string_view to_string(CsvError error) {
  switch (error) {
    case CsvError::none:
      return "none";
    case CsvError::unbalanced_quote:
      return "unbalanced_quote";
    case CsvError::garbage_after_closing_quote:
      return "garbage_after_closing_quote";
    case CsvError::field_too_long:
      return "field_too_long";
    case CsvError::too_many_fields:
      return "too_many_fields";
    case CsvError::record_too_long:
      return "record_too_long";
    case CsvError::nul_byte:
      return "nul_byte";
    case CsvError::invalid_utf8:
      return "invalid_utf8";
  }
  DISBURSE_ASSERT(false);
  return "";
}

bool is_valid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t index = 0;
  while (index < size) {
    // Nearly all import data is ASCII, so eight bytes are checked at once while they are.
    if (size - index >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes + index, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        index += 8;
        continue;
      }
    }
    if (bytes[index] < 0x80) {
      index++;
      continue;
    }
    const std::size_t length = well_formed_sequence_length(bytes + index, size - index);
    if (length == 0) return false;
    index += length;
  }
  return true;
}

const std::string& CsvRecord::operator[](std::size_t index) const {
  DISBURSE_ASSERT(index < field_count_);
  return storage_[index];
}

CsvReader::CsvReader(std::istream& input, CsvLimits limits) : input_(input), limits_(limits) {
  if (limits_.max_field_size_bytes == 0 || limits_.max_fields_per_record == 0 ||
      limits_.max_record_size_bytes == 0 || limits_.block_size_bytes == 0) {
    throw InvalidInput("csv: every reader limit must be positive");
  }
  // A stream that failed to open would otherwise read as an empty file.
  if (!input_) throw std::ios_base::failure("csv: the input stream is not readable");
  // The first read must see the whole byte order mark even when tests use one-byte blocks.
  const std::size_t buffer_size_bytes = std::max(limits_.block_size_bytes, byte_order_mark.size());
  block_ = std::make_unique<char[]>(buffer_size_bytes);
  position_ = block_.get();
  end_ = block_.get();
}

std::size_t CsvReader::buffered_capacity_bytes(const CsvRecord& record) const {
  std::size_t total_bytes = std::max(limits_.block_size_bytes, byte_order_mark.size());
  total_bytes += record.storage_.capacity() * sizeof(std::string);
  for (const std::string& field : record.storage_) total_bytes += field.capacity();
  return total_bytes;
}

bool CsvReader::fill() {
  if (input_exhausted_) return false;
  if (end_ > block_.get()) last_block_ended_with_cr_ = end_[-1] == '\r';
  block_offset_bytes_ += static_cast<std::uint64_t>(end_ - block_.get());
  const std::size_t request_bytes = at_stream_start_
                                        ? std::max(limits_.block_size_bytes, byte_order_mark.size())
                                        : limits_.block_size_bytes;
  input_.read(block_.get(), static_cast<std::streamsize>(request_bytes));
  if (input_.bad()) throw std::ios_base::failure("csv: reading the input failed");
  const auto count_bytes = static_cast<std::size_t>(input_.gcount());
  // istream::read only returns less than asked at the end of the input.
  if (count_bytes < request_bytes) input_exhausted_ = true;
  position_ = block_.get();
  end_ = block_.get() + count_bytes;
  if (at_stream_start_) {
    at_stream_start_ = false;
    if (std::string_view(position_, count_bytes).starts_with(byte_order_mark)) {
      position_ += byte_order_mark.size();
    }
  }
  // A first block that held only the byte order mark has no data yet: read on.
  return position_ < end_ || fill();
}

std::uint64_t CsvReader::offset_of(const char* position) const {
  return block_offset_bytes_ + static_cast<std::uint64_t>(position - block_.get());
}

bool CsvReader::next(CsvRecord& record) {
  record.field_count_ = 0;
  record.error_ = CsvError::none;
  record.error_field_index_ = 0;
  current_field_index_ = 0;
  skip_blank_lines();
  if (!has_data()) {
    consumed_offset_bytes_ = offset_of(position_);
    return false;
  }
  record.line_number_ = line_number_;
  record.start_offset_bytes_ = offset_of(position_);
  FieldEnd field_end = FieldEnd::delimiter;
  while (field_end == FieldEnd::delimiter) field_end = read_field(record);
  record.end_offset_bytes_ = offset_of(position_);
  consumed_offset_bytes_ = record.end_offset_bytes_;
  return true;
}

CsvReader::FieldEnd CsvReader::read_field(CsvRecord& record) {
  begin_field(record);
  FieldEnd field_end = FieldEnd::end_of_input;
  if (has_data() && *position_ == '"') {
    position_++;
    field_end = read_quoted(record);
  } else {
    field_end = read_unquoted(record);
  }
  finish_field(record);
  if (field_end == FieldEnd::abandoned) field_end = skip_to_line_end();
  current_field_index_++;
  return field_end;
}

void CsvReader::begin_field(CsvRecord& record) {
  if (record.field_count_ == limits_.max_fields_per_record) {
    fail(record, CsvError::too_many_fields);
    field_ = nullptr;
    return;
  }
  if (record.storage_.size() == record.field_count_) record.storage_.emplace_back();
  field_ = &record.storage_[record.field_count_];
  record.field_count_++;
  field_->clear();
  field_is_ascii_ = true;
}

void CsvReader::append(CsvRecord& record, const char* data, std::size_t size_bytes) {
  if (field_ == nullptr || size_bytes == 0) return;
  const std::size_t room_bytes = limits_.max_field_size_bytes - field_->size();
  if (size_bytes <= room_bytes) {
    field_->append(data, size_bytes);
    return;
  }
  // The field keeps its first bytes for the rejected-rows report; the rest is only scanned.
  field_->append(data, room_bytes);
  fail(record, CsvError::field_too_long);
  field_ = nullptr;
}

void CsvReader::finish_field(CsvRecord& record) {
  if (field_ != nullptr && !field_is_ascii_ && !is_valid_utf8(*field_)) {
    fail(record, CsvError::invalid_utf8);
  }
  field_ = nullptr;
}

void CsvReader::fail(CsvRecord& record, CsvError error) {
  if (record.error_ != CsvError::none) return;
  record.error_ = error;
  record.error_field_index_ = current_field_index_;
}

bool CsvReader::append_within_record(CsvRecord& record, const char* start) {
  const std::uint64_t limit_offset_bytes =
      record.start_offset_bytes_ + limits_.max_record_size_bytes;
  const std::uint64_t end_offset_bytes = offset_of(position_);
  if (end_offset_bytes <= limit_offset_bytes) {
    append(record, start, static_cast<std::size_t>(position_ - start));
    return false;
  }
  // Only the bytes up to the limit are kept, so that what a rejected record holds does not
  // depend on where the blocks happened to end.
  const std::uint64_t start_offset_bytes = offset_of(start);
  if (start_offset_bytes < limit_offset_bytes) {
    append(record, start, static_cast<std::size_t>(limit_offset_bytes - start_offset_bytes));
  }
  fail(record, CsvError::record_too_long);
  return true;
}

void CsvReader::note_line_break() {
  // CRLF is one line break, so an LF right after a CR (possibly at the end of the previous
  // block) does not count again.
  if (*position_ == '\n') {
    const bool after_cr =
        position_ > block_.get() ? position_[-1] == '\r' : last_block_ended_with_cr_;
    if (after_cr) return;
  }
  line_number_++;
}

void CsvReader::consume_line_ending() {
  const bool is_cr = *position_ == '\r';
  note_line_break();
  position_++;
  if (is_cr && has_data() && *position_ == '\n') position_++;
}

void CsvReader::skip_blank_lines() {
  while (has_data() && line_break_bytes[static_cast<unsigned char>(*position_)]) {
    consume_line_ending();
  }
}

CsvReader::FieldEnd CsvReader::read_unquoted(CsvRecord& record) {
  while (has_data()) {
    const char* start = position_;
    position_ =
        scan_until(position_, end_, field_is_ascii_ ? unquoted_stops_while_ascii : unquoted_stops);
    if (append_within_record(record, start)) return FieldEnd::abandoned;
    if (position_ == end_) continue;
    if (is_non_ascii(*position_)) {
      field_is_ascii_ = false;
      continue;
    }
    if (*position_ != '\0') return end_of_field();
    fail(record, CsvError::nul_byte);
    position_++;
    if (append_within_record(record, position_ - 1)) return FieldEnd::abandoned;
  }
  return FieldEnd::end_of_input;
}

CsvReader::FieldEnd CsvReader::read_quoted(CsvRecord& record) {
  while (true) {
    if (!has_data()) {
      fail(record, CsvError::unbalanced_quote);
      return FieldEnd::end_of_input;
    }
    const char* start = position_;
    position_ =
        scan_until(position_, end_, field_is_ascii_ ? quoted_stops_while_ascii : quoted_stops);
    if (append_within_record(record, start)) return FieldEnd::abandoned;
    if (position_ == end_) continue;
    if (is_non_ascii(*position_)) {
      field_is_ascii_ = false;
      continue;
    }
    if (*position_ == '"') {
      position_++;
      // A quote not followed by another one closes the field; "" stands for one quote.
      if (!has_data() || *position_ != '"') return after_closing_quote(record);
    } else if (*position_ == '\0') {
      fail(record, CsvError::nul_byte);
    } else {
      note_line_break();
    }
    position_++;
    if (append_within_record(record, position_ - 1)) return FieldEnd::abandoned;
  }
}

CsvReader::FieldEnd CsvReader::after_closing_quote(CsvRecord& record) {
  if (!has_data()) return FieldEnd::end_of_input;
  if (*position_ == ',' || line_break_bytes[static_cast<unsigned char>(*position_)]) {
    return end_of_field();
  }
  fail(record, CsvError::garbage_after_closing_quote);
  return read_unquoted(record);
}

CsvReader::FieldEnd CsvReader::end_of_field() {
  if (!has_data()) return FieldEnd::end_of_input;
  if (*position_ == ',') {
    position_++;
    return FieldEnd::delimiter;
  }
  consume_line_ending();
  return FieldEnd::record_end;
}

CsvReader::FieldEnd CsvReader::skip_to_line_end() {
  while (has_data()) {
    position_ = scan_until(position_, end_, line_break_bytes);
    if (position_ == end_) continue;
    consume_line_ending();
    return FieldEnd::record_end;
  }
  return FieldEnd::end_of_input;
}

}  // namespace disburse::formats
