#include "disburse/formats/csv.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "disburse/domain/errors.hpp"

using disburse::formats::CsvError;
using disburse::formats::CsvLimits;
using disburse::formats::CsvReader;
using disburse::formats::CsvRecord;
using disburse::formats::CsvWriter;
using disburse::formats::is_valid_utf8;
using disburse::formats::LineEnding;

namespace {

using Fields = std::vector<std::string>;

struct ReadRecord {
  Fields fields;
  CsvError error = CsvError::none;
  std::size_t error_field_index = 0;
  std::uint64_t line_number = 0;
  std::uint64_t start_offset_bytes = 0;
  std::uint64_t end_offset_bytes = 0;
};

std::vector<ReadRecord> read_all(const std::string& text, CsvLimits limits = {}) {
  std::istringstream input(text);
  CsvReader reader(input, limits);
  CsvRecord record;
  std::vector<ReadRecord> records;
  while (reader.next(record)) {
    REQUIRE(reader.bytes_consumed() == record.end_offset_bytes());
    REQUIRE(records.size() <= text.size());
    records.push_back({Fields(record.fields().begin(), record.fields().end()), record.error(),
                       record.error_field_index(), record.line_number(),
                       record.start_offset_bytes(), record.end_offset_bytes()});
  }
  CHECK(reader.bytes_consumed() == text.size());
  CHECK_FALSE(reader.next(record));
  return records;
}

std::vector<Fields> fields_of(const std::vector<ReadRecord>& records) {
  std::vector<Fields> all;
  for (const ReadRecord& record : records) all.push_back(record.fields);
  return all;
}

// Block sizes that put a block boundary at every position of the small inputs, and the default.
const std::vector<std::size_t> block_sizes_bytes = {1, 2, 3, 5, 7, 1024 * 1024};

CsvLimits limits_with_block(std::size_t block_size_bytes) {
  CsvLimits limits;
  limits.block_size_bytes = block_size_bytes;
  return limits;
}

std::string write_csv(const std::vector<Fields>& records, bool as_text,
                      LineEnding line_ending = LineEnding::lf) {
  std::ostringstream output;
  CsvWriter writer(output, {line_ending});
  for (const Fields& fields : records) {
    if (as_text) {
      writer.write_text_record(fields);
    } else {
      writer.write_plain_record(fields);
    }
  }
  writer.flush();
  return output.str();
}

}  // namespace

TEST_CASE("the reader parses every RFC 4180 form at every block boundary") {
  struct Case {
    std::string input;
    std::vector<Fields> expected;
  };
  const std::vector<Case> cases = {
      {"a,b,c\n", {{"a", "b", "c"}}},
      {"a,b,c", {{"a", "b", "c"}}},
      {"a,b\r\nc,d\r\n", {{"a", "b"}, {"c", "d"}}},
      {"\"a,b\",c\n", {{"a,b", "c"}}},
      {"\"say \"\"hi\"\"\",x\n", {{"say \"hi\"", "x"}}},
      {"\"line1\nline2\",x\n", {{"line1\nline2", "x"}}},
      {"\"line1\r\nline2\",x\r\n", {{"line1\r\nline2", "x"}}},
      {"\"a\rb\",x\n", {{"a\rb", "x"}}},
      {",,\n", {{"", "", ""}}},
      {"\"\"\n", {{""}}},
      {"a,\"\"", {{"a", ""}}},
      {"\"a\"", {{"a"}}},
      {"a\n\nb\n", {{"a"}, {"b"}}},
      {"a\n\n\r\n", {{"a"}}},
      {"a\rb\r", {{"a"}, {"b"}}},
      {"\xEF\xBB\xBF"
       "a,b\n",
       {{"a", "b"}}},
      {"a,\xEF\xBB\xBF\n", {{"a", "\xEF\xBB\xBF"}}},
      {"", {}},
      {"\n", {}},
      {"\xEF\xBB\xBF", {}},
      {"ab\"c,d\n", {{"ab\"c", "d"}}},
      {" \"a\" ,b", {{" \"a\" ", "b"}}},
      {"Mu\xC3\xB1oz,O'Brien,\xF0\x9F\x94\x94\n",
       {{"Mu\xC3\xB1oz", "O'Brien", "\xF0\x9F\x94\x94"}}},
  };
  for (const Case& test_case : cases) {
    for (const std::size_t block_size_bytes : block_sizes_bytes) {
      CAPTURE(test_case.input);
      CAPTURE(block_size_bytes);
      const auto records = read_all(test_case.input, limits_with_block(block_size_bytes));
      CHECK(fields_of(records) == test_case.expected);
      for (const ReadRecord& record : records) CHECK(record.error == CsvError::none);
    }
  }
}

TEST_CASE("line numbers count quoted line breaks and blank lines, and offsets cover each record") {
  const std::string input = "h\n\"x\ny\",1\nz,2\r\n\r\nw,3\r\"p\r\nq\",4";
  for (const std::size_t block_size_bytes : block_sizes_bytes) {
    CAPTURE(block_size_bytes);
    const auto records = read_all(input, limits_with_block(block_size_bytes));
    REQUIRE(records.size() == 5);
    CHECK(records[0].line_number == 1);
    CHECK(records[1].line_number == 2);
    CHECK(records[2].line_number == 4);
    CHECK(records[3].line_number == 6);
    CHECK(records[4].line_number == 7);
    CHECK(records[1].start_offset_bytes == 2);
    CHECK(records[1].end_offset_bytes == 10);
    CHECK(records[4].end_offset_bytes == input.size());
  }
}

TEST_CASE("a byte order mark counts in the offsets but not as data") {
  const auto records = read_all("\xEF\xBB\xBFid\nx\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"id"});
  CHECK(records[0].start_offset_bytes == 3);
  CHECK(records[1].start_offset_bytes == 6);
}

TEST_CASE("every error is reported on its record and reading goes on with the next record") {
  struct Case {
    std::string input;
    CsvLimits limits;
    CsvError error;
    std::size_t error_field_index;
    Fields fields_of_bad_record;
    std::vector<Fields> following_records;
  };
  CsvLimits small_field;
  small_field.max_field_size_bytes = 4;
  CsvLimits two_fields;
  two_fields.max_fields_per_record = 2;
  CsvLimits small_record;
  small_record.max_record_size_bytes = 6;
  const std::vector<Case> cases = {
      {"a,\"bc\nd\n", {}, CsvError::unbalanced_quote, 1, {"a", "bc\nd\n"}, {}},
      {"\"a\"x,b\nc,d\n", {}, CsvError::garbage_after_closing_quote, 0, {"ax", "b"}, {{"c", "d"}}},
      {"abcdef,g\nh\n", small_field, CsvError::field_too_long, 0, {"abcd", "g"}, {{"h"}}},
      {"x,\"ab\ncdef\"\nh\n", small_field, CsvError::field_too_long, 1, {"x", "ab\nc"}, {{"h"}}},
      {"a,b,c,d\ne,f\n", two_fields, CsvError::too_many_fields, 2, {"a", "b"}, {{"e", "f"}}},
      {"aaaa,bbbb\nx\n", small_record, CsvError::record_too_long, 1, {"aaaa", "b"}, {{"x"}}},
      {"a,\"b\nc,d\ne,f\n",
       small_record,
       CsvError::record_too_long,
       1,
       {"a", "b\nc"},
       {{"e", "f"}}},
      {std::string("a\0b,c\nd\n", 8),
       {},
       CsvError::nul_byte,
       0,
       {std::string("a\0b", 3), "c"},
       {{"d"}}},
      {std::string("x,\"\0\"\nd\n", 8),
       {},
       CsvError::nul_byte,
       1,
       {"x", std::string(1, '\0')},
       {{"d"}}},
      {"M\xFCller,x\ny\n", {}, CsvError::invalid_utf8, 0, {"M\xFCller", "x"}, {{"y"}}},
      {"a,\"\xED\xA0\x80\"\ny\n", {}, CsvError::invalid_utf8, 1, {"a", "\xED\xA0\x80"}, {{"y"}}},
  };
  for (const Case& test_case : cases) {
    for (const std::size_t block_size_bytes : block_sizes_bytes) {
      CAPTURE(test_case.input);
      CAPTURE(block_size_bytes);
      CsvLimits limits = test_case.limits;
      limits.block_size_bytes = block_size_bytes;
      const auto records = read_all(test_case.input, limits);
      REQUIRE(records.size() == 1 + test_case.following_records.size());
      CHECK(records[0].error == test_case.error);
      CHECK(records[0].error_field_index == test_case.error_field_index);
      CHECK(records[0].fields == test_case.fields_of_bad_record);
      const std::vector<ReadRecord> following(records.begin() + 1, records.end());
      CHECK(fields_of(following) == test_case.following_records);
      for (const ReadRecord& record : following) CHECK(record.error == CsvError::none);
    }
  }
}

TEST_CASE("a record resynchronised after record_too_long keeps the right line numbers") {
  CsvLimits limits;
  limits.max_record_size_bytes = 6;
  const auto records = read_all("a,\"b\nc,d\ne,f\ng\n", limits);
  REQUIRE(records.size() == 3);
  CHECK(records[1].line_number == 3);
  CHECK(records[2].line_number == 4);
}

TEST_CASE("a record reports only its first error") {
  CsvLimits limits;
  limits.max_field_size_bytes = 3;
  const auto records = read_all("M\xFCller,abcdef\n", limits);
  REQUIRE(records.size() == 1);
  CHECK(records[0].error == CsvError::field_too_long);
  CHECK(records[0].error_field_index == 0);
}

TEST_CASE("a 10 MB single field is scanned with bounded memory") {
  const std::string huge(10 * 1024 * 1024, 'x');
  for (const std::string& input :
       {"id,\"" + huge + "\",z\nnext,row\n", "id," + huge + "\nnext,row\n"}) {
    std::istringstream stream(input);
    CsvReader reader(stream);
    CsvRecord record;
    REQUIRE(reader.next(record));
    CHECK(record.error() == CsvError::field_too_long);
    CHECK(record.error_field_index() == 1);
    CHECK(record[1].size() == CsvLimits{}.max_field_size_bytes);
    CHECK(reader.buffered_capacity_bytes(record) < 2 * 1024 * 1024);
    REQUIRE(reader.next(record));
    CHECK(record.ok());
    CHECK(record.line_number() == 2);
    CHECK(record[1] == "row");
    CHECK(reader.buffered_capacity_bytes(record) < 2 * 1024 * 1024);
    CHECK_FALSE(reader.next(record));
  }
}

TEST_CASE("a record of a thousand columns keeps only the allowed fields") {
  std::string input = "c0";
  for (int column = 1; column < 1000; column++) input += ",c" + std::to_string(column);
  input += "\nnext\n";
  const auto records = read_all(input);
  REQUIRE(records.size() == 2);
  CHECK(records[0].error == CsvError::too_many_fields);
  CHECK(records[0].fields.size() == CsvLimits{}.max_fields_per_record);
  CHECK(records[1].fields == Fields{"next"});
}

TEST_CASE("the reader reuses field storage from one record to the next") {
  std::istringstream input("alpha,beta\ngamma,delta\n");
  CsvReader reader(input);
  CsvRecord record;
  REQUIRE(reader.next(record));
  const char* first_field_storage = record[0].data();
  REQUIRE(reader.next(record));
  CHECK(record[0] == "gamma");
  CHECK(record[0].data() == first_field_storage);
}

TEST_CASE("limits of zero are refused") {
  std::istringstream input("a\n");
  CsvLimits limits;
  limits.max_fields_per_record = 0;
  CHECK_THROWS_AS(CsvReader(input, limits), disburse::InvalidInput);
}

TEST_CASE("a stream that failed to open is an exception, not an empty file") {
  std::ifstream missing("/nonexistent/disburse/list.csv");
  CHECK_THROWS_AS(CsvReader{missing}, std::ios_base::failure);
}

TEST_CASE("a byte order mark alone in the first block does not end the input") {
  const std::string input =
      "\xEF\xBB\xBF"
      "a,b\nc\n";
  for (const std::size_t block_size_bytes : {1U, 2U, 3U, 4U}) {
    std::istringstream stream(input);
    CsvReader reader(stream, limits_with_block(block_size_bytes));
    CsvRecord record;
    REQUIRE(reader.next(record));
    CHECK(record[1] == "b");
    REQUIRE(reader.next(record));
    CHECK(record[0] == "c");
    CHECK_FALSE(reader.next(record));
  }
}

TEST_CASE("a read failure of the stream is an exception, not a short file") {
  struct FailingBuffer : std::streambuf {
    int_type underflow() override { throw std::runtime_error("disk gone"); }
  };
  FailingBuffer buffer;
  std::istream input(&buffer);
  CsvReader reader(input);
  CsvRecord record;
  CHECK_THROWS_AS(reader.next(record), std::ios_base::failure);
}

TEST_CASE("binary junk never crashes, always terminates and parses the same at any block size") {
  std::mt19937_64 random(20240423);
  // Bytes the grammar cares about come often, so that junk reaches every state of the reader.
  const std::string interesting("\",\r\n\0\xEF\xBB\xBF\xC3\xA9\xFF a", 14);
  for (int round = 0; round < 400; round++) {
    std::string junk(random() % 3000, '\0');
    for (char& byte : junk) {
      const std::uint64_t draw = random();
      byte = draw % 2 == 0 ? interesting[(draw >> 8) % interesting.size()]
                           : static_cast<char>(static_cast<unsigned char>(draw >> 16));
    }
    CsvLimits limits;
    limits.max_field_size_bytes = 1 + random() % 64;
    limits.max_fields_per_record = 1 + random() % 16;
    limits.max_record_size_bytes = 1 + random() % 512;
    CAPTURE(round);
    limits.block_size_bytes = 1 + random() % 13;
    const auto small_blocks = read_all(junk, limits);
    limits.block_size_bytes = 1024 * 1024;
    const auto one_block = read_all(junk, limits);
    REQUIRE(small_blocks.size() == one_block.size());
    for (std::size_t index = 0; index < one_block.size(); index++) {
      CHECK(small_blocks[index].fields == one_block[index].fields);
      CHECK(small_blocks[index].error == one_block[index].error);
      CHECK(small_blocks[index].line_number == one_block[index].line_number);
      CHECK(one_block[index].fields.size() <= limits.max_fields_per_record);
    }
  }
}

TEST_CASE("the UTF-8 validator accepts well-formed text and rejects every ill-formed sequence") {
  for (const std::string valid :
       {"", "plain ascii, long enough for the fast path", "\xC3\xA9", "\xE2\x82\xAC",
        "\xF0\x9D\x84\x9E", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80",
        "Mu\xC3\xB1oz O'Brien Z\xC3\xB6\xC3\xAB"}) {
    CAPTURE(valid);
    CHECK(is_valid_utf8(valid));
  }
  for (const std::string invalid : {"\xC0\x80",
                                    "\xC1\xBF",
                                    "\xE0\x80\x80",
                                    "\xE0\x9F\xBF",
                                    "\xED\xA0\x80",
                                    "\xED\xBF\xBF",
                                    "\xF0\x80\x80\x80",
                                    "\xF0\x8F\xBF\xBF",
                                    "\xF4\x90\x80\x80",
                                    "\xF5\x80\x80\x80",
                                    "\xFF",
                                    "\xFE",
                                    "\x80",
                                    "\xBF",
                                    "\xE2\x82",
                                    "\xF0\x9D\x84",
                                    "\xC3",
                                    "abcdefgh\xE2",
                                    "abcdefg\xC3\xA9\x80",
                                    "M\xFCller",
                                    "\xE2\x28\xA1"}) {
    CAPTURE(invalid);
    CHECK_FALSE(is_valid_utf8(invalid));
  }
}

TEST_CASE("the writer quotes only the fields that need it") {
  const std::vector<Fields> records = {
      {"plain", "with,comma", "with \"quote\"", "two\nlines", "cr\rhere", " lead", "trail ", ""},
      {"Mu\xC3\xB1oz", "O'Brien", "a b"},
  };
  CHECK(write_csv(records, false) ==
        "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",\"cr\rhere\",\" lead\","
        "\"trail \",\nMu\xC3\xB1oz,O'Brien,a b\n");
  CHECK(write_csv({{"a", "b"}, {"c"}}, false, LineEnding::crlf) == "a,b\r\nc\r\n");
}

TEST_CASE("a record of one empty field is written so that it is not read as a blank line") {
  const std::string text = write_csv({{"x"}, {""}, {"y"}}, false);
  CHECK(text == "x\n\"\"\ny\n");
  CHECK(fields_of(read_all(text)) == std::vector<Fields>{{"x"}, {""}, {"y"}});
}

TEST_CASE("text cells that a spreadsheet would run as formulas are neutralised") {
  struct Case {
    std::string field;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
      {"=1+2", "'=1+2"},
      {"+1", "'+1"},
      {"-12.00", "'-12.00"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tcmd", "'\tcmd"},
      {"\rcmd", "\"'\rcmd\""},
      {"a=b", "a=b"},
      {"'quoted", "'quoted"},
      {"", ""},
  };
  for (const Case& test_case : cases) {
    CAPTURE(test_case.field);
    CHECK(write_csv({{test_case.field, "x"}}, true) == test_case.written + ",x\n");
  }
}

TEST_CASE("amount cells written plainly stay numbers") {
  std::ostringstream output;
  CsvWriter writer(output);
  writer.write_text("refund");
  writer.write_plain("-12.00");
  writer.write_plain("=not neutralised on purpose");
  writer.end_record();
  writer.flush();
  CHECK(output.str() == "refund,-12.00,=not neutralised on purpose\n");
}

TEST_CASE("whatever the writer writes, the reader reads back the same fields") {
  std::mt19937_64 random(7);
  const std::vector<std::string> pieces = {
      "a",  "Z9", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x94\x94",
      ",",  "\"", "\"\"",     "\r\n",         "\n",
      "\r", " ",  "=",        "-1",           "'",
      "\t", ""};
  for (int round = 0; round < 300; round++) {
    std::vector<Fields> records(1 + random() % 6);
    for (Fields& fields : records) {
      fields.resize(1 + random() % 8);
      for (std::string& field : fields) {
        const std::uint64_t piece_count = random() % 6;
        for (std::uint64_t piece = 0; piece < piece_count; piece++) {
          field += pieces[random() % pieces.size()];
        }
      }
    }
    const LineEnding line_ending = random() % 2 == 0 ? LineEnding::lf : LineEnding::crlf;
    const std::string text = write_csv(records, false, line_ending);
    CAPTURE(text);
    const auto read_back = read_all(text, limits_with_block(1 + random() % 16));
    CHECK(fields_of(read_back) == records);
    for (const ReadRecord& record : read_back) CHECK(record.error == CsvError::none);
  }
}

TEST_CASE("error names are stable reason codes") {
  CHECK(disburse::formats::to_string(CsvError::none) == "none");
  CHECK(disburse::formats::to_string(CsvError::unbalanced_quote) == "unbalanced_quote");
  CHECK(disburse::formats::to_string(CsvError::garbage_after_closing_quote) ==
        "garbage_after_closing_quote");
  CHECK(disburse::formats::to_string(CsvError::field_too_long) == "field_too_long");
  CHECK(disburse::formats::to_string(CsvError::too_many_fields) == "too_many_fields");
  CHECK(disburse::formats::to_string(CsvError::record_too_long) == "record_too_long");
  CHECK(disburse::formats::to_string(CsvError::nul_byte) == "nul_byte");
  CHECK(disburse::formats::to_string(CsvError::invalid_utf8) == "invalid_utf8");
}
