#include "disburse/formats/checks.hpp"

#include <doctest/doctest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "disburse/domain/errors.hpp"

using disburse::domain::Money;
using disburse::domain::MoneyParseError;
namespace checks = disburse::formats::checks;
using std::chrono::year_month_day;

namespace {

year_month_day date(int year, unsigned month, unsigned day) {
  return {std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
}

checks::CheckItem jane() {
  return {100001,  "P1-R1-12345-A1",       "Jane Doe", "1 Main St", "", "Springfield", "IL",
          "62701", Money::from_cents(4785)};
}

checks::CheckItem jose() {
  return {100002,
          "P1-R1-67890-A1",
          "José Muñoz",
          "22 Oak Ave, Apt 3",
          "c/o \"Ana\"",
          "Austin",
          "TX",
          "78701-1234",
          Money::from_cents(15000)};
}

// Steps one day at a time with the calendar rules, as an oracle independent of add_days.
year_month_day step_days(year_month_day start, int days) {
  int year = static_cast<int>(start.year());
  unsigned month = static_cast<unsigned>(start.month());
  unsigned day = static_cast<unsigned>(start.day());
  const auto month_length = [&]() -> unsigned {
    static const unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : lengths[month - 1];
  };
  for (; days > 0; days--) {
    if (++day > month_length()) {
      day = 1;
      if (++month > 12) {
        month = 1;
        year++;
      }
    }
  }
  for (; days < 0; days++) {
    if (--day == 0) {
      if (--month == 0) {
        month = 12;
        year--;
      }
      day = month_length();
    }
  }
  return date(year, month, day);
}

checks::PaidChecksFile read(const std::string& text) {
  std::istringstream input(text);
  return checks::read_paid_checks(input);
}

}  // namespace

TEST_CASE("the void date is the issue date plus the window, across months, years and leap days") {
  struct Case {
    year_month_day issue;
    int days;
    year_month_day expected;
  };
  const Case cases[] = {
      {date(2024, 4, 15), 90, date(2024, 7, 14)},   {date(2023, 12, 15), 90, date(2024, 3, 14)},
      {date(2023, 11, 15), 90, date(2024, 2, 13)},  {date(2024, 1, 1), 59, date(2024, 2, 29)},
      {date(2023, 1, 1), 59, date(2023, 3, 1)},     {date(2100, 2, 28), 1, date(2100, 3, 1)},
      {date(2000, 2, 28), 1, date(2000, 2, 29)},    {date(2024, 12, 31), 1, date(2025, 1, 1)},
      {date(2024, 4, 15), 180, date(2024, 10, 12)}, {date(2024, 3, 1), -1, date(2024, 2, 29)},
  };
  for (const Case& test : cases) {
    CAPTURE(checks::to_iso_date(test.issue));
    CAPTURE(test.days);
    CHECK(checks::add_days(test.issue, test.days) == test.expected);
  }
  CHECK(checks::void_date(date(2024, 4, 15)) == date(2024, 7, 14));
  CHECK(checks::void_date(date(2024, 4, 15), 30) == date(2024, 5, 15));
}

TEST_CASE("adding days agrees with stepping the calendar one day at a time") {
  std::mt19937 random(1582);
  for (int round = 0; round < 2000; round++) {
    const year_month_day start = checks::add_days(
        date(1900, 1, 1), std::uniform_int_distribution<int>(0, 365 * 200)(random));
    const int days = std::uniform_int_distribution<int>(-400, 400)(random);
    CAPTURE(checks::to_iso_date(start));
    CAPTURE(days);
    const year_month_day moved = checks::add_days(start, days);
    CHECK(moved == step_days(start, days));
    CHECK(checks::add_days(moved, -days) == start);
  }
}

TEST_CASE("dates are written as YYYY-MM-DD") {
  CHECK(checks::to_iso_date(date(2024, 4, 5)) == "2024-04-05");
  CHECK(checks::to_iso_date(date(987, 12, 31)) == "0987-12-31");
}

TEST_CASE("the check register has one row per check with the void date") {
  std::vector<checks::CheckItem> items = {jane(), jose()};
  items[0].payee_name = "=cmd|' /C calc'!A0";
  std::ostringstream output;
  const checks::RegisterSummary summary =
      checks::write_check_register(output, items, date(2024, 4, 15));
  CHECK(output.str() ==
        "check_number,payee,address1,address2,city,state,postal_code,amount,issue_date,void_date,"
        "reference\r\n"
        "100001,'=cmd|' /C calc'!A0,1 Main St,,Springfield,IL,62701,47.85,2024-04-15,2024-07-14,"
        "P1-R1-12345-A1\r\n"
        "100002,José Muñoz,\"22 Oak Ave, Apt 3\",\"c/o \"\"Ana\"\"\",Austin,TX,78701-1234,150.00,"
        "2024-04-15,2024-07-14,P1-R1-67890-A1\r\n");
  CHECK(summary.check_count == 2);
  CHECK(summary.total.cents() == 19785);
  CHECK(summary.void_date == date(2024, 7, 14));
}

TEST_CASE("the void window of the register is a parameter") {
  const std::vector<checks::CheckItem> items = {jane()};
  std::ostringstream output;
  CHECK(checks::write_check_register(output, items, date(2024, 4, 15), 180).void_date ==
        date(2024, 10, 12));
  CHECK(output.str().find(",2024-04-15,2024-10-12,") != std::string::npos);
  std::ostringstream refused;
  CHECK_THROWS_AS(checks::write_check_register(refused, items, date(2024, 4, 15), 0),
                  disburse::InvalidInput);
  CHECK_THROWS_AS(checks::write_check_register(refused, items, date(2023, 2, 29)),
                  disburse::InvalidInput);
  CHECK_THROWS_AS(checks::write_check_register(refused, {}, date(2024, 4, 15)),
                  disburse::InvalidInput);
  CHECK(refused.str().empty());
}

TEST_CASE("every kind of invalid check is reported and no register is written") {
  struct Case {
    const char* name;
    void (*spoil)(checks::CheckItem&);
    checks::ItemProblem problem;
  };
  const Case cases[] = {
      {"check number 0", [](checks::CheckItem& item) { item.check_number = 0; },
       checks::ItemProblem::check_number_out_of_range},
      {"11-digit check number", [](checks::CheckItem& item) { item.check_number = 10'000'000'000; },
       checks::ItemProblem::check_number_out_of_range},
      {"repeated check number", [](checks::CheckItem& item) { item.check_number = 100001; },
       checks::ItemProblem::check_number_duplicate},
      {"no reference", [](checks::CheckItem& item) { item.reference.clear(); },
       checks::ItemProblem::reference_empty},
      {"long reference", [](checks::CheckItem& item) { item.reference = std::string(31, 'R'); },
       checks::ItemProblem::reference_too_long},
      {"odd reference", [](checks::CheckItem& item) { item.reference = "P1/R1"; },
       checks::ItemProblem::reference_bad_character},
      {"no payee", [](checks::CheckItem& item) { item.payee_name = "  "; },
       checks::ItemProblem::payee_name_empty},
      {"no street", [](checks::CheckItem& item) { item.address1.clear(); },
       checks::ItemProblem::address_incomplete},
      {"no city", [](checks::CheckItem& item) { item.city = " "; },
       checks::ItemProblem::address_incomplete},
      {"lower-case state", [](checks::CheckItem& item) { item.state = "tx"; },
       checks::ItemProblem::state_invalid},
      {"short postal code", [](checks::CheckItem& item) { item.postal_code = "7870"; },
       checks::ItemProblem::postal_code_invalid},
      {"bad ZIP+4", [](checks::CheckItem& item) { item.postal_code = "78701 1234"; },
       checks::ItemProblem::postal_code_invalid},
      {"zero amount", [](checks::CheckItem& item) { item.amount = Money(); },
       checks::ItemProblem::amount_not_positive},
      {"huge amount",
       [](checks::CheckItem& item) { item.amount = Money::from_cents(10'000'000'000); },
       checks::ItemProblem::amount_too_large},
  };
  for (const Case& test : cases) {
    CAPTURE(test.name);
    std::vector<checks::CheckItem> items = {jane(), jose()};
    test.spoil(items[1]);
    const std::vector<checks::ItemIssue> issues = checks::validate_items(items);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].item_index == 1);
    CHECK(issues[0].problem == test.problem);
    CHECK_FALSE(checks::describe(test.problem).empty());
    std::ostringstream output;
    CHECK_THROWS_AS(checks::write_check_register(output, items, date(2024, 4, 15)),
                    disburse::InvalidInput);
    CHECK(output.str().empty());
  }
}

TEST_CASE("the Positive Pay file matches its documented layout byte for byte") {
  const std::vector<checks::CheckItem> items = {jane(), jose()};
  std::vector<checks::PositivePayRecord> records = checks::issue_records(items, date(2024, 4, 15));
  records[1].indicator = checks::PositivePayIndicator::voided;
  std::ostringstream output;
  const checks::PositivePaySummary summary =
      checks::write_positive_pay(output, "123456789", records);
  // clang-format off
  const std::string expected_records[] = {
      "0123456789" "0000100001" "0000004785" "04152024"
      "JANE DOE                                          " "I",
      "0123456789" "0000100002" "0000015000" "04152024"
      "JOSE MUNOZ                                        " "V",
      "0123456789" "0000000002" "00000000019785"
      "                                                      " "T",
  };
  // clang-format on
  std::string expected;
  for (const std::string& record : expected_records) {
    CHECK(record.size() == checks::positive_pay_record_length);
    expected += record + "\n";
  }
  CHECK(output.str() == expected);
  CHECK(summary.record_count == 2);
  CHECK(summary.total.cents() == 19785);
}

TEST_CASE("Positive Pay refuses what its layout cannot hold") {
  const std::vector<checks::CheckItem> items = {jane()};
  const std::vector<checks::PositivePayRecord> good =
      checks::issue_records(items, date(2024, 4, 15));
  std::ostringstream output;
  CHECK_THROWS_AS(checks::write_positive_pay(output, "12345678901", good), disburse::InvalidInput);
  CHECK_THROWS_AS(checks::write_positive_pay(output, "12-34", good), disburse::InvalidInput);
  CHECK_THROWS_AS(checks::write_positive_pay(output, "1", {}), disburse::InvalidInput);
  std::vector<void (*)(checks::PositivePayRecord&)> spoilers = {
      [](checks::PositivePayRecord& record) { record.check_number = 0; },
      [](checks::PositivePayRecord& record) { record.amount = Money(); },
      [](checks::PositivePayRecord& record) { record.amount = Money::from_cents(10'000'000'000); },
      [](checks::PositivePayRecord& record) { record.issue_date = date(2024, 2, 30); },
      [](checks::PositivePayRecord& record) { record.payee_name = "\xE4\xB8\xAD"; },
  };
  for (std::size_t index = 0; index < spoilers.size(); index++) {
    CAPTURE(index);
    std::vector<checks::PositivePayRecord> records = good;
    spoilers[index](records[0]);
    CHECK_THROWS_AS(checks::write_positive_pay(output, "1", records), disburse::InvalidInput);
  }
  CHECK(output.str().empty());
}

TEST_CASE("a paid-checks file without a header is read by position") {
  const checks::PaidChecksFile file = read(
      "100001,47.85,2024-05-01\n"
      "0000100002,150.00,05/02/2024,STOPPED\r\n"
      "100003,1.00,2024-05-03,voided\n"
      "100004,2.00,2024-05-04,\n");
  CHECK_FALSE(file.has_header);
  CHECK(file.problems.empty());
  REQUIRE(file.lines.size() == 4);
  CHECK(file.lines[0].check_number == 100001);
  CHECK(file.lines[0].amount.cents() == 4785);
  CHECK(file.lines[0].paid_date == date(2024, 5, 1));
  CHECK(file.lines[0].status == checks::PaidCheckStatus::paid);
  CHECK(file.lines[1].check_number == 100002);
  CHECK(file.lines[1].paid_date == date(2024, 5, 2));
  CHECK(file.lines[1].status == checks::PaidCheckStatus::stopped);
  CHECK(file.lines[2].status == checks::PaidCheckStatus::voided);
  CHECK(file.lines[3].status == checks::PaidCheckStatus::paid);
  CHECK(file.lines[3].line_number == 4);
  CHECK(checks::to_string(checks::PaidCheckStatus::stopped) == "STOPPED");
}

TEST_CASE("a paid-checks header may order the columns freely") {
  const checks::PaidChecksFile file = read(
      "Status,Paid_Date,Check_Number,Amount\n"
      "PAID,2024-05-01,100001,\"1,047.85\"\n");
  CHECK(file.has_header);
  CHECK(file.problems.empty());
  REQUIRE(file.lines.size() == 1);
  CHECK(file.lines[0].check_number == 100001);
  CHECK(file.lines[0].amount.cents() == 104785);
  CHECK(file.lines[0].line_number == 2);
  const checks::PaidChecksFile without_status =
      read("check_number,paid_date,amount\n7,2024-05-01,3\n");
  REQUIRE(without_status.lines.size() == 1);
  CHECK(without_status.lines[0].status == checks::PaidCheckStatus::paid);
}

TEST_CASE("an unusable paid-checks header refuses the file") {
  const checks::PaidChecksFile missing = read("check_number,amount\n1,2.00\n");
  CHECK(missing.header_error == checks::PaidChecksHeaderError::missing_column);
  CHECK(missing.header_column == "paid_date");
  CHECK(missing.lines.empty());
  const checks::PaidChecksFile duplicate = read("check_number,amount,paid_date,AMOUNT\n");
  CHECK(duplicate.header_error == checks::PaidChecksHeaderError::duplicate_column);
  CHECK(duplicate.header_column == "amount");
}

TEST_CASE("every kind of bad paid-check line is reported and good lines are kept") {
  const checks::PaidChecksFile file = read(
      "1,1.00,2024-05-01\n"             // 1: good
      "2,1.00\n"                        // 2: two fields
      "3,1.00,2024-05-01,PAID,extra\n"  // 3: five fields
      "ABC,1.00,2024-05-01\n"           // 4: not a number
      "0,1.00,2024-05-01\n"             // 5: check number zero
      "12345678901,1.00,2024-05-01\n"   // 6: eleven digits
      "7,1.999,2024-05-01\n"            // 7: three decimals
      "8,,2024-05-01\n"                 // 8: empty amount
      "9,1.00,2024-02-30\n"             // 9: no such day
      "10,1.00,2024/05/01\n"            // 10: wrong separators
      "11,1.00,2024-05-01,CASHED\n"     // 11: unknown status
      "12,\"1.00,2024-05-01\n"          // 12: quote never closes
      + std::string(2000, '9') +
      "\n"                      // (swallowed by the open quote)
      "14,2.00,2024-05-02\n");  // 14: good
  REQUIRE(file.lines.size() == 2);
  CHECK(file.lines[0].check_number == 1);
  CHECK(file.lines[1].line_number == 14);
  struct Expected {
    std::size_t line_number;
    checks::PaidCheckLineError error;
  };
  const Expected expected[] = {
      {2, checks::PaidCheckLineError::wrong_field_count},
      {3, checks::PaidCheckLineError::wrong_field_count},
      {4, checks::PaidCheckLineError::bad_check_number},
      {5, checks::PaidCheckLineError::bad_check_number},
      {6, checks::PaidCheckLineError::bad_check_number},
      {7, checks::PaidCheckLineError::bad_amount},
      {8, checks::PaidCheckLineError::bad_amount},
      {9, checks::PaidCheckLineError::bad_date},
      {10, checks::PaidCheckLineError::bad_date},
      {11, checks::PaidCheckLineError::unknown_status},
      {12, checks::PaidCheckLineError::line_too_long},
  };
  REQUIRE(file.problems.size() == std::size(expected));
  for (std::size_t index = 0; index < std::size(expected); index++) {
    CAPTURE(index);
    CHECK(file.problems[index].line_number == expected[index].line_number);
    CHECK(file.problems[index].error == expected[index].error);
    CHECK_FALSE(checks::describe(file.problems[index].error).empty());
  }
  CHECK(file.problems[5].amount_error == MoneyParseError::too_many_decimals);
  CHECK(file.problems[6].amount_error == MoneyParseError::empty);
  CHECK(file.problems[9].value == "CASHED");
}

TEST_CASE("a paid-checks line whose quote never closes is malformed") {
  const checks::PaidChecksFile file = read("1,1.00,2024-05-01\n2,\"1.00,2024-05-01\n");
  CHECK(file.lines.size() == 1);
  REQUIRE(file.problems.size() == 1);
  CHECK(file.problems[0].error == checks::PaidCheckLineError::malformed);
  CHECK(file.problems[0].line_number == 2);
}

TEST_CASE("paid-checks reading stops once the line limit is passed") {
  std::string text;
  for (int number = 1; number <= 10; number++)
    text += std::to_string(number) + ",1.00,2024-05-01\n";
  std::istringstream input(text);
  const checks::PaidChecksFile file = checks::read_paid_checks(input, 3);
  CHECK(file.lines.size() == 3);
  REQUIRE(file.problems.size() == 1);
  CHECK(file.problems[0].error == checks::PaidCheckLineError::too_many_lines);
}

TEST_CASE("random bytes never crash the paid-checks reader") {
  std::mt19937 random(404);
  const char alphabet[] = "0123456789,.-/\"\n\r PAIDSTOPVOID\xC3";
  for (int round = 0; round < 1000; round++) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 400)(random), ' ');
    for (char& character : text) {
      character =
          alphabet[std::uniform_int_distribution<std::size_t>(0, sizeof(alphabet) - 2)(random)];
    }
    const checks::PaidChecksFile file = read(text);
    for (const checks::PaidCheckLine& line : file.lines) {
      CHECK(line.paid_date.ok());
      CHECK(line.check_number >= 1);
    }
  }
}
