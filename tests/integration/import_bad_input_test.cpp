// Hostile and broken files: each gets a clear answer, the database holds exactly the accepted
// rows, and nothing crashes.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "import_support.hpp"

using namespace disburse::testing;
using nlohmann::json;

namespace {

struct Refusal {
  int exit_code;
  std::string message;
};

Refusal import_refused(const TestDatabase& database, std::int64_t program, const std::string& content) {
  const CommandResult result = run_disburse(
      database, {"import", "--program", std::to_string(program), write_file("bad.csv", content)});
  return {result.exit_code, result.err};
}

json import_content(const TestDatabase& database, std::int64_t program, const std::string& content) {
  return import_file(database, program, write_file("list.csv", content));
}

}  // namespace

TEST_CASE("files without a usable header are refused whole, before anything is written") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  std::mt19937 random(42);
  std::string junk(4096, '\0');
  for (char& byte : junk) byte = static_cast<char>(random() & 0xFF);
  std::string wide_header;
  for (int column = 0; column < 1000; column++) wide_header += (column ? ",c" : "c") + std::to_string(column);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "the file is empty"},
      {"\xEF\xBB\xBF", "the file is empty"},
      {junk, "the header"},
      {wide_header + "\n" + list_row("C1"), "the header has more columns than the limit"},
      {"customer_id,first_name\nC1,Ana\n", "missing required column(s)"},
      {list_header.substr(0, list_header.size() - 1) + ",acount_type\n" + list_row("C1"),
       "unknown column(s): \"acount_type\""},
  };
  for (const auto& [content, message] : cases) {
    const Refusal refusal = import_refused(database, program, content);
    INFO(message);
    CHECK(refusal.exit_code == 2);
    CHECK(refusal.message.find(message) != std::string::npos);
    CHECK(refusal.message.find('\n') == refusal.message.size() - 1);
  }
  CHECK(database.scalar("SELECT count(*) FROM imports") == "0");
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "0");
}

TEST_CASE("a header-only file is an import of no rows") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const json result = import_content(database, program, list_header);
  CHECK(result["state"] == "completed");
  CHECK(result["rows_total"] == 0);
  CHECK(result["rows_accepted"] == 0);
  CHECK(database.scalar("SELECT count(*) FROM claimants") == "0");
}

TEST_CASE("broken rows are rejected with their reason and line, and the good rows around them stay") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  std::string thousand_columns = "C6";
  for (int column = 1; column < 1000; column++) thousand_columns += ",x";
  const std::string content =
      "\xEF\xBB\xBF" + list_header + list_row("C1") +                             // line 2
      "C2,Ana,M\xFCller,c2@example.com,,2 Main St,,Austin,TX,73301,US,Indoor Cam,3\n" +  // Latin-1
      "C3,An" + std::string(1, '\0') + "a,Lopez,c3@example.com,,3 Main St,,Austin,TX,73301,US,"
      "Indoor Cam,3\n" +                                                           // line 4: NUL
      "C4,Ana,Lopez,c4@example.com,,4 " + std::string(10 * 1024 * 1024, 'A') +
      ",,Austin,TX,73301,US,Indoor Cam,3\n" +                                      // line 5: 10 MB
      thousand_columns + "\n" +                                                    // line 6
      list_row("C7") +                                                             // line 7
      "C8,\"Ana\nMaria\",Lopez,c8@example.com,,8 Main St,,Austin,TX,73301,US,Indoor Cam,3\r\n" +
      "C9,\"Ana,Lopez,c9@example.com,,9 Main St,,Austin,TX,73301,US,Indoor Cam,3\n" +  // line 10
      list_row("C10");
  const json result = import_content(database, program, content);
  CHECK(result["rows_total"] == 8);
  CHECK(result["rows_accepted"] == 3);
  CHECK(result["rows_rejected"] == 5);
  CHECK(database.scalar("SELECT string_agg(customer_id, ',' ORDER BY customer_id) FROM claimants") ==
        "C1,C7,C8");
  CHECK(database.scalar("SELECT first_name FROM claimants WHERE customer_id = 'C8'") == "Ana Maria");
  CHECK(database.scalar("SELECT string_agg(line_number || ':' || reason || ':' || field, ' ' "
                        "ORDER BY line_number) FROM import_rejections") ==
        "3:invalid_utf8:last_name 4:control_character:first_name 5:field_too_long:address1 "
        "6:extra_columns: 10:unbalanced_quote:first_name");
  // Echoed records are bounded, valid text: never the 10 MB field, never a NUL.
  CHECK(std::stoll(database.scalar("SELECT max(length(raw_record)) FROM import_rejections")) < 70000);
  CHECK(database.scalar("SELECT raw_record FROM import_rejections WHERE line_number = 3")
            .find("M\xEF\xBF\xBDller") != std::string::npos);
}

TEST_CASE("SQL in every field is stored as data or rejected as data, never run") {
  TestDatabase database;
  const std::int64_t program = create_program(database, "Ring");
  const std::string sql = "'); DROP TABLE claimants; --";
  std::string every_field = "\"" + sql + "\"";
  for (int column = 1; column < 13; column++) every_field += ",\"" + sql + "\"";
  const std::string content =
      list_header + every_field + "\n" +
      "\"1'; DELETE FROM imports;--\",\"Robert'); DROP TABLE students;--\",\"O'Brien\","
      "x@example.com,\"1; SELECT pg_sleep(10)\",\"1 Main St'--\",\"$1\",Austin,TX,73301,US,"
      "Indoor Cam,3\n";
  const json result = import_content(database, program, content);
  CHECK(result["rows_accepted"] == 1);
  CHECK(result["rows_rejected"] == 1);
  CHECK(database.scalar("SELECT first_name FROM claimants") == "Robert'); DROP TABLE students;--");
  CHECK(database.scalar("SELECT customer_id FROM claimants") == "1'; DELETE FROM imports;--");
  CHECK(database.scalar("SELECT address2 FROM claimants") == "$1");
  CHECK(database.scalar("SELECT count(*) FROM imports") == "1");
  CHECK(database.scalar("SELECT raw_record FROM import_rejections").find(sql) != std::string::npos);
}
