#pragma once
// Check files: the check register and the Positive Pay issue file we produce, and the bank's
// paid-checks file we reconcile.
//
// Check register. RFC 4180 CSV, UTF-8, CRLF line ends, one header row, one row per check:
//   check_number,payee,address1,address2,city,state,postal_code,amount,issue_date,void_date,reference
//   100001,Jane Doe,1 Main St,,Springfield,IL,62701,47.85,2024-04-15,2024-07-14,P1-R1-12345-A1
// amount is decimal dollars; dates are YYYY-MM-DD; void_date is issue_date plus the program's
// check window (90 days by default). Text cells that a spreadsheet would run as a formula get
// a leading apostrophe.
//
// Positive Pay issue file. Fixed width, printable ASCII, every record 89 characters and "\n":
//   detail record, one per check:
//     1–10   issuing account number, right-justified, zero-filled
//     11–20  check number, zero-filled
//     21–30  amount in cents, zero-filled
//     31–38  issue date, MMDDYYYY
//     39–88  payee name, upper-case ASCII, left-justified, space-filled
//     89     "I" for an issued check, "V" for a voided one
//   trailer record, once, last:
//     1–10   issuing account number
//     11–20  number of detail records, zero-filled
//     21–34  sum of the detail amounts in cents (issued and voided alike), zero-filled
//     35–88  spaces
//     89     "T"
//
// Paid-checks file from the bank. RFC 4180 CSV, one line per check event:
//   check_number,amount,paid_date[,status]
// with or without that header row (a header may order the columns freely; names are matched
// case-insensitively). check_number is 1–10 digits; amount is decimal; paid_date is YYYY-MM-DD
// or MM/DD/YYYY; status is PAID, STOPPED or VOIDED in any case, PAID when absent or empty
// (STOPPED and VOIDED confirm a stop-payment or a void). Every line becomes a PaidCheckLine or
// a PaidCheckProblem; the reader never stops at a bad line and never throws for one.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/money.hpp"

namespace disburse::formats::checks {

inline constexpr int default_void_after_days = 90;
inline constexpr std::int64_t max_check_number = 9'999'999'999;
inline constexpr std::int64_t max_check_amount_cents = 9'999'999'999;
inline constexpr std::size_t max_reference_length = 30;
inline constexpr std::size_t positive_pay_record_length = 89;
inline constexpr std::size_t positive_pay_payee_width = 50;

// Adds a number of days (negative to go back) to a proleptic Gregorian calendar date, across
// month ends, year ends and leap days. The date must be valid.
std::chrono::year_month_day add_days(std::chrono::year_month_day date, int days);

// The date after which a check issued on `issue_date` is void.
std::chrono::year_month_day void_date(std::chrono::year_month_day issue_date,
                                      int void_after_days = default_void_after_days);

// "2024-04-15".
std::string to_iso_date(std::chrono::year_month_day date);

// One check to issue.
struct CheckItem {
  std::int64_t check_number = 0;  // 1 to 9,999,999,999
  std::string reference;          // the payment's reference: letters, digits, '-', '_'
  std::string payee_name;
  std::string address1;
  std::string address2;  // may be empty
  std::string city;
  std::string state;        // two capital letters
  std::string postal_code;  // 12345 or 12345-6789
  domain::Money amount;
};

// Why a check cannot be issued.
enum class ItemProblem {
  check_number_out_of_range,
  check_number_duplicate,
  reference_empty,
  reference_too_long,
  reference_bad_character,
  payee_name_empty,
  address_incomplete,  // address1 or city is empty
  state_invalid,
  postal_code_invalid,
  amount_not_positive,
  amount_too_large,
};

struct ItemIssue {
  std::size_t item_index = 0;
  std::string reference;
  ItemProblem problem = ItemProblem::reference_empty;
};

std::string_view describe(ItemProblem problem);

// Checks every item and returns every problem found, in item order.
std::vector<ItemIssue> validate_items(std::span<const CheckItem> items);

struct RegisterSummary {
  std::size_t check_count = 0;
  domain::Money total;
  std::chrono::year_month_day void_date{};
};

// Writes the check register. Validates every item first and throws InvalidInput, writing
// nothing, if any is invalid, if there are none, or if a date is invalid.
RegisterSummary write_check_register(std::ostream& output, std::span<const CheckItem> items,
                                     std::chrono::year_month_day issue_date,
                                     int void_after_days = default_void_after_days);

enum class PositivePayIndicator { issued, voided };

struct PositivePayRecord {
  std::int64_t check_number = 0;
  domain::Money amount;
  std::chrono::year_month_day issue_date{};
  std::string payee_name;
  PositivePayIndicator indicator = PositivePayIndicator::issued;
};

// The Positive Pay records that announce `items` as issued on `issue_date`.
std::vector<PositivePayRecord> issue_records(std::span<const CheckItem> items,
                                             std::chrono::year_month_day issue_date);

struct PositivePaySummary {
  std::size_t record_count = 0;
  domain::Money total;
};

// Writes the Positive Pay file. Throws InvalidInput, writing nothing, when the account number
// is not 1–10 digits, there are no records, or a record has an out-of-range check number or
// amount, an invalid date or no usable payee name.
PositivePaySummary write_positive_pay(std::ostream& output, std::string_view account_number,
                                      std::span<const PositivePayRecord> records);

enum class PaidCheckStatus { paid, stopped, voided };

std::string_view to_string(PaidCheckStatus status);

struct PaidCheckLine {
  std::size_t line_number = 0;  // physical line, counted from 1
  std::int64_t check_number = 0;
  domain::Money amount;
  std::chrono::year_month_day paid_date{};
  PaidCheckStatus status = PaidCheckStatus::paid;
};

enum class PaidCheckLineError {
  line_too_long,
  malformed,  // broken quoting
  wrong_field_count,
  bad_check_number,
  bad_amount,
  bad_date,
  unknown_status,
  too_many_lines,  // the file exceeds the line limit; the rest was not read
};

std::string_view describe(PaidCheckLineError error);

struct PaidCheckProblem {
  std::size_t line_number = 0;
  PaidCheckLineError error = PaidCheckLineError::malformed;
  domain::MoneyParseError amount_error = domain::MoneyParseError::none;  // for bad_amount
  std::string value;  // the offending value, cut to 40 characters, or empty
};

// Why a header row was refused; the file's lines are then not read.
enum class PaidChecksHeaderError { none, missing_column, duplicate_column };

struct PaidChecksFile {
  PaidChecksHeaderError header_error = PaidChecksHeaderError::none;
  std::string header_column;  // the missing or duplicated column
  bool has_header = false;
  std::vector<PaidCheckLine> lines;
  std::vector<PaidCheckProblem> problems;
};

inline constexpr std::size_t default_max_paid_check_lines = 2'000'000;
inline constexpr std::size_t max_paid_check_line_length = 1'024;

// Reads a paid-checks file. Never throws for bad content and never stops at a bad line.
PaidChecksFile read_paid_checks(std::istream& input,
                                std::size_t max_lines = default_max_paid_check_lines);

}  // namespace disburse::formats::checks
