#include "disburse/formats/paypal.hpp"

#include <doctest/doctest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "disburse/domain/errors.hpp"

using disburse::domain::Money;
using disburse::domain::MoneyParseError;
namespace paypal = disburse::formats::paypal;

namespace {

paypal::PayoutItem make_item(int number, std::int64_t cents) {
  return {"P1-R1-" + std::to_string(number) + "-A1",
          "person" + std::to_string(number) + "@example.com", Money::from_cents(cents), "USD",
          "Ring refund"};
}

std::vector<paypal::PayoutItem> make_items(int count) {
  std::vector<paypal::PayoutItem> items;
  for (int number = 1; number <= count; number++) items.push_back(make_item(number, 4785));
  return items;
}

std::string write_part(const std::vector<paypal::PayoutItem>& items, const paypal::FilePart& part,
                       paypal::FileLayout layout = paypal::FileLayout::api_csv) {
  std::ostringstream output;
  paypal::write_payouts_file(output, items, part, layout);
  return output.str();
}

paypal::ResultsFile read(const std::string& text) {
  std::istringstream input(text);
  return paypal::read_results(input);
}

const std::string results_header =
    "sender_item_id,payout_item_id,transaction_status,amount,currency,time\n";

}  // namespace

TEST_CASE("a payouts file has a header row and one API-shaped row per item") {
  std::vector<paypal::PayoutItem> items = {make_item(1, 4785), make_item(2, 15000)};
  items[1].note = "Refund, \"Ring\" settlement";
  const std::vector<paypal::FilePart> parts = paypal::plan_parts(items, "B42");
  REQUIRE(parts.size() == 1);
  CHECK(write_part(items, parts[0]) ==
        "sender_batch_id,recipient_type,receiver,amount,currency,sender_item_id,note\r\n"
        "B42-p1,EMAIL,person1@example.com,47.85,USD,P1-R1-1-A1,Ring refund\r\n"
        "B42-p1,EMAIL,person2@example.com,150.00,USD,P1-R1-2-A1,"
        "\"Refund, \"\"Ring\"\" settlement\"\r\n");
}

TEST_CASE("the Payouts Web layout has no header and ends each row with the wallet") {
  const std::vector<paypal::PayoutItem> items = {make_item(7, 1)};
  const std::vector<paypal::FilePart> parts = paypal::plan_parts(items, "B7", 5000);
  CHECK(write_part(items, parts[0], paypal::FileLayout::payouts_web) ==
        "person7@example.com,0.01,USD,P1-R1-7-A1,Ring refund,PAYPAL\r\n");
  CHECK(paypal::payouts_web_file_name(parts[0]) == "B7-p1.csv");
}

TEST_CASE("notes that a spreadsheet would run as formulas are neutralised") {
  for (const std::string note : {"=HYPERLINK(A1)", "+1", "-2", "@SUM(A1)"}) {
    CAPTURE(note);
    std::vector<paypal::PayoutItem> items = {make_item(1, 100)};
    items[0].note = note;
    const std::string file = write_part(items, paypal::plan_parts(items, "B1")[0]);
    CHECK(file.find("'" + note) != std::string::npos);
  }
  std::vector<paypal::PayoutItem> items = {make_item(1, 100)};
  items[0].note = "line one\nline two\ttab";
  CHECK(write_part(items, paypal::plan_parts(items, "B1")[0]).find("line one line two tab") !=
        std::string::npos);
}

TEST_CASE("a batch larger than the limit splits into consecutive parts with suffixed ids") {
  const std::vector<paypal::PayoutItem> items = make_items(12);
  const std::vector<paypal::FilePart> parts = paypal::plan_parts(items, "B9", 5);
  REQUIRE(parts.size() == 3);
  const std::size_t expected_counts[] = {5, 5, 2};
  for (std::size_t index = 0; index < parts.size(); index++) {
    CAPTURE(index);
    CHECK(parts[index].sender_batch_id == "B9-p" + std::to_string(index + 1));
    CHECK(parts[index].part_number == index + 1);
    CHECK(parts[index].part_count == 3);
    CHECK(parts[index].first_item_index == index * 5);
    CHECK(parts[index].item_count == expected_counts[index]);
    CHECK(parts[index].total.cents() == static_cast<std::int64_t>(expected_counts[index]) * 4785);
  }
  const std::string third = write_part(items, parts[2]);
  CHECK(third.find("P1-R1-11-A1") != std::string::npos);
  CHECK(third.find("P1-R1-10-A1") == std::string::npos);
  CHECK(paypal::plan_parts(items, "B9", 5).front().sender_batch_id ==
        parts.front().sender_batch_id);
}

TEST_CASE("splitting covers every item exactly once for many sizes and limits") {
  std::mt19937 random(20240415);
  for (int round = 0; round < 200; round++) {
    const int count = std::uniform_int_distribution<int>(1, 400)(random);
    const std::size_t limit = std::uniform_int_distribution<std::size_t>(1, 120)(random);
    const std::vector<paypal::PayoutItem> items = make_items(count);
    const std::vector<paypal::FilePart> parts = paypal::plan_parts(items, "B", limit);
    std::size_t next_index = 0;
    for (const paypal::FilePart& part : parts) {
      CHECK(part.first_item_index == next_index);
      CHECK(part.item_count >= 1);
      CHECK(part.item_count <= limit);
      next_index += part.item_count;
    }
    CHECK(next_index == items.size());
    CHECK(parts.size() == (items.size() + limit - 1) / limit);
  }
}

TEST_CASE("the default limit is PayPal's 15,000 items per request") {
  const std::vector<paypal::PayoutItem> items = make_items(15'001);
  const std::vector<paypal::FilePart> parts = paypal::plan_parts(items, "B1");
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].item_count == 15'000);
  CHECK(parts[1].item_count == 1);
  CHECK_THROWS_AS(paypal::plan_parts(items, "B1", 15'001), disburse::InvalidInput);
  CHECK_THROWS_AS(paypal::plan_parts(items, "B1", 0), disburse::InvalidInput);
  CHECK_THROWS_AS(write_part(items, parts[0], paypal::FileLayout::payouts_web),
                  disburse::InvalidInput);
}

TEST_CASE("bad batch ids and empty batches are refused") {
  const std::vector<paypal::PayoutItem> items = make_items(1);
  CHECK_THROWS_AS(paypal::plan_parts(items, ""), disburse::InvalidInput);
  CHECK_THROWS_AS(paypal::plan_parts(items, "B 1"), disburse::InvalidInput);
  CHECK_THROWS_AS(paypal::plan_parts(items, std::string(101, 'B')), disburse::InvalidInput);
  CHECK_THROWS_AS(paypal::plan_parts({}, "B1"), disburse::InvalidInput);
}

TEST_CASE("every kind of invalid item is reported with its index") {
  struct Case {
    const char* name;
    void (*spoil)(paypal::PayoutItem&);
    paypal::ItemProblem problem;
  };
  const Case cases[] = {
      {"empty reference", [](paypal::PayoutItem& item) { item.reference.clear(); },
       paypal::ItemProblem::reference_empty},
      {"long reference", [](paypal::PayoutItem& item) { item.reference = std::string(31, 'A'); },
       paypal::ItemProblem::reference_too_long},
      {"odd reference", [](paypal::PayoutItem& item) { item.reference = "P1 R1"; },
       paypal::ItemProblem::reference_bad_character},
      {"duplicate", [](paypal::PayoutItem& item) { item.reference = "P1-R1-1-A1"; },
       paypal::ItemProblem::reference_duplicate},
      {"no at sign", [](paypal::PayoutItem& item) { item.receiver_email = "person.example.com"; },
       paypal::ItemProblem::email_invalid},
      {"formula email", [](paypal::PayoutItem& item) { item.receiver_email = "=x@example.com"; },
       paypal::ItemProblem::email_invalid},
      {"no dot", [](paypal::PayoutItem& item) { item.receiver_email = "person@localhost"; },
       paypal::ItemProblem::email_invalid},
      {"zero amount", [](paypal::PayoutItem& item) { item.amount = Money(); },
       paypal::ItemProblem::amount_not_positive},
      {"lower currency", [](paypal::PayoutItem& item) { item.currency = "usd"; },
       paypal::ItemProblem::currency_invalid},
      {"other currency", [](paypal::PayoutItem& item) { item.currency = "EUR"; },
       paypal::ItemProblem::currency_differs_from_first_item},
      {"long note", [](paypal::PayoutItem& item) { item.note = std::string(1001, 'n'); },
       paypal::ItemProblem::note_too_long},
  };
  for (const Case& test : cases) {
    CAPTURE(test.name);
    std::vector<paypal::PayoutItem> items = make_items(3);
    test.spoil(items[2]);
    const std::vector<paypal::ItemIssue> issues = paypal::validate_items(items);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].item_index == 2);
    CHECK(issues[0].problem == test.problem);
    CHECK_FALSE(paypal::describe(test.problem).empty());
    const std::vector<paypal::FilePart> parts = paypal::plan_parts(items, "B1");
    std::ostringstream output;
    CHECK_THROWS_AS(paypal::write_payouts_file(output, items, parts[0]), disburse::InvalidInput);
    CHECK(output.str().empty());
  }
}

TEST_CASE("every transaction status is read, in any letter case") {
  const char* const names[] = {"SUCCESS",  "UNCLAIMED", "RETURNED", "FAILED", "BLOCKED",
                               "REFUNDED", "REVERSED",  "ONHOLD",   "PENDING"};
  const paypal::TransactionStatus statuses[] = {
      paypal::TransactionStatus::success,  paypal::TransactionStatus::unclaimed,
      paypal::TransactionStatus::returned, paypal::TransactionStatus::failed,
      paypal::TransactionStatus::blocked,  paypal::TransactionStatus::refunded,
      paypal::TransactionStatus::reversed, paypal::TransactionStatus::onhold,
      paypal::TransactionStatus::pending};
  std::string text = results_header;
  for (int index = 0; index < 9; index++) {
    std::string name = names[index];
    if (index % 2 == 1) name[1] = static_cast<char>(name[1] - 'A' + 'a');
    text += "REF" + std::to_string(index) + ",PPID" + std::to_string(index) + "," + name +
            ",47.85,USD,2024-04-15T10:00:00Z\n";
  }
  const paypal::ResultsFile file = read(text);
  CHECK(file.header_error == paypal::ResultHeaderError::none);
  CHECK(file.problems.empty());
  REQUIRE(file.lines.size() == 9);
  for (std::size_t index = 0; index < 9; index++) {
    CAPTURE(index);
    CHECK(file.lines[index].status == statuses[index]);
    CHECK(paypal::to_string(statuses[index]) == names[index]);
    CHECK(file.lines[index].line_number == index + 2);
    CHECK(file.lines[index].reference == "REF" + std::to_string(index));
    CHECK(file.lines[index].provider_item_id == "PPID" + std::to_string(index));
    CHECK(file.lines[index].amount.cents() == 4785);
    CHECK(file.lines[index].currency == "USD");
    CHECK(file.lines[index].time_text == "2024-04-15T10:00:00Z");
  }
}

TEST_CASE("result columns are found by name in any order and case, with extra columns") {
  const paypal::ResultsFile file = read(
      "\xEF\xBB\xBF"
      "Time,Currency,EXTRA,Amount,Transaction_Status,Payout_Item_Id,Sender_Item_Id\r\n"
      "2024-04-15,usd,x,\"1,234.50\",unclaimed,PPID,\"P1-R1-9-A1\"\r\n");
  CHECK(file.problems.empty());
  REQUIRE(file.lines.size() == 1);
  CHECK(file.lines[0].reference == "P1-R1-9-A1");
  CHECK(file.lines[0].provider_item_id == "PPID");
  CHECK(file.lines[0].status == paypal::TransactionStatus::unclaimed);
  CHECK(file.lines[0].amount.cents() == 123450);
  CHECK(file.lines[0].currency == "USD");
  CHECK(file.lines[0].time_text == "2024-04-15");
}

TEST_CASE("every kind of bad result line is reported and the good lines around it are kept") {
  const std::string text = results_header +
                           "GOOD1,P1,SUCCESS,1.00,USD,t\n"  // line 2
                           "BAD2,P2,SUCCESS,1.00,USD\n"     // line 3: too few fields
                           ",P3,SUCCESS,1.00,USD,t\n"       // line 4: no reference
                           + std::string(31, 'R') +
                           ",P4,SUCCESS,1.00,USD,t\n"       // line 5
                           "BAD6,P6,PAID,1.00,USD,t\n"      // line 6: unknown status
                           "BAD7,P7,SUCCESS,1.001,USD,t\n"  // line 7: three decimals
                           "BAD8,P8,SUCCESS,-1.00,USD,t\n"  // line 8: negative
                           "BAD9,P9,SUCCESS,1.00,US1,t\n"   // line 9: bad currency
                           + std::string(5000, 'x') +
                           "\n"                                // line 10: too long
                           "BAD11,P\"11,SUCCESS,1.00,USD,t\n"  // line 11: stray quote
                           "GOOD12,P12,FAILED,2.00,USD,t\n"    // line 12
                           "BAD13,\"P13,SUCCESS,1.00,USD,t\n"  // line 13: the quote
                           "never closes\n";                   // runs to the end
  const paypal::ResultsFile file = read(text);
  CHECK(file.header_error == paypal::ResultHeaderError::none);
  REQUIRE(file.lines.size() == 2);
  CHECK(file.lines[0].line_number == 2);
  CHECK(file.lines[1].line_number == 12);
  struct Expected {
    std::size_t line_number;
    paypal::ResultLineError error;
  };
  const Expected expected[] = {
      {3, paypal::ResultLineError::wrong_field_count},
      {4, paypal::ResultLineError::reference_missing},
      {5, paypal::ResultLineError::reference_too_long},
      {6, paypal::ResultLineError::unknown_status},
      {7, paypal::ResultLineError::bad_amount},
      {8, paypal::ResultLineError::bad_amount},
      {9, paypal::ResultLineError::bad_currency},
      {10, paypal::ResultLineError::line_too_long},
      {11, paypal::ResultLineError::malformed},
      {13, paypal::ResultLineError::malformed},
  };
  REQUIRE(file.problems.size() == std::size(expected));
  for (std::size_t index = 0; index < std::size(expected); index++) {
    CAPTURE(index);
    CHECK(file.problems[index].line_number == expected[index].line_number);
    CHECK(file.problems[index].error == expected[index].error);
    CHECK_FALSE(paypal::describe(file.problems[index].error).empty());
  }
  CHECK(file.problems[4].amount_error == MoneyParseError::too_many_decimals);
  CHECK(file.problems[5].amount_error == MoneyParseError::negative);
  CHECK(file.problems[3].value == "PAID");
}

TEST_CASE("a quoted field may hold a line break") {
  const paypal::ResultsFile file = read(
      results_header + "R1,P1,SUCCESS,1.00,USD,\"2024-04-15\n10:00\"\nR2,P2,PENDING,2.00,USD,\n");
  CHECK(file.problems.empty());
  REQUIRE(file.lines.size() == 2);
  CHECK(file.lines[0].time_text == "2024-04-15\n10:00");
  CHECK(file.lines[1].line_number == 4);
  CHECK(file.lines[1].time_text.empty());
}

TEST_CASE("an unusable header refuses the whole results file") {
  CHECK(read("").header_error == paypal::ResultHeaderError::empty_file);
  CHECK(read("\n\n").header_error == paypal::ResultHeaderError::empty_file);
  CHECK(read("sender_item_id,\"payout\n").header_error == paypal::ResultHeaderError::malformed);
  const paypal::ResultsFile missing = read("sender_item_id,payout_item_id,amount,currency,time\n");
  CHECK(missing.header_error == paypal::ResultHeaderError::missing_column);
  CHECK(missing.header_column == "transaction_status");
  const paypal::ResultsFile duplicate =
      read("sender_item_id,payout_item_id,transaction_status,amount,currency,time,AMOUNT\n");
  CHECK(duplicate.header_error == paypal::ResultHeaderError::duplicate_column);
  CHECK(duplicate.header_column == "amount");
  CHECK(duplicate.lines.empty());
}

TEST_CASE("reading stops with a problem once the line limit is passed") {
  std::string text = results_header;
  for (int index = 0; index < 10; index++)
    text += "R" + std::to_string(index) + ",P,SUCCESS,1,USD,t\n";
  std::istringstream input(text);
  const paypal::ResultsFile file = paypal::read_results(input, 5);
  CHECK(file.lines.size() == 4);
  REQUIRE(file.problems.size() == 1);
  CHECK(file.problems[0].error == paypal::ResultLineError::too_many_lines);
  CHECK(file.problems[0].line_number == 6);
}

TEST_CASE("a written payouts file reads back through the results reader unchanged") {
  // The written rows are relabelled as a results file: receiver becomes payout_item_id,
  // recipient_type becomes the status and the note becomes the time text, so every quoted
  // cell the writer produces passes through the reader's RFC 4180 parser.
  const char* const notes[] = {"Ring refund", "Refund, with comma", "She said \"thanks\"", "",
                               "a,\"b\",c"};
  std::mt19937 random(7);
  std::vector<paypal::PayoutItem> items;
  for (int number = 1; number <= 300; number++) {
    items.push_back(
        make_item(number, std::uniform_int_distribution<std::int64_t>(1, 15000)(random)));
    items.back().note = notes[std::uniform_int_distribution<int>(0, 4)(random)];
  }
  const std::string written = write_part(items, paypal::plan_parts(items, "B3")[0]);
  std::string relabelled =
      "x,transaction_status,payout_item_id,amount,currency,sender_item_id,time";
  std::string body = written.substr(written.find("\r\n"));
  for (std::size_t at = 0; (at = body.find(",EMAIL,", at)) != std::string::npos;) {
    body.replace(at, 7, ",SUCCESS,");
  }
  const paypal::ResultsFile file = read(relabelled + body);
  CHECK(file.problems.empty());
  REQUIRE(file.lines.size() == items.size());
  for (std::size_t index = 0; index < items.size(); index++) {
    CHECK(file.lines[index].reference == items[index].reference);
    CHECK(file.lines[index].provider_item_id == items[index].receiver_email);
    CHECK(file.lines[index].amount == items[index].amount);
    CHECK(file.lines[index].time_text == items[index].note);
  }
}
