#include "disburse/formats/checks.hpp"

#include <array>
#include <optional>

#include "bank_text.hpp"
#include "delimited.hpp"
#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::formats::checks {

namespace {

using detail::is_all_digits;
using detail::zero_filled;
using domain::Money;

std::string cut(std::string_view text, std::size_t length) {
  return std::string(text.substr(0, length));
}

bool is_reference_text(std::string_view text) {
  for (const char character : text) {
    const bool allowed = detail::is_ascii_upper(character) || detail::is_ascii_lower(character) ||
                         detail::is_ascii_digit(character) || character == '-' || character == '_';
    if (!allowed) return false;
  }
  return true;
}

bool is_postal_code(std::string_view text) {
  if (text.size() == 5) return is_all_digits(text);
  return text.size() == 10 && text[5] == '-' && is_all_digits(text.substr(0, 5)) &&
         is_all_digits(text.substr(6));
}

bool is_state_code(std::string_view text) {
  return text.size() == 2 && detail::is_ascii_upper(text[0]) && detail::is_ascii_upper(text[1]);
}

std::optional<ItemProblem> own_problem(const CheckItem& item) {
  if (item.check_number < 1 || item.check_number > max_check_number) {
    return ItemProblem::check_number_out_of_range;
  }
  if (item.reference.empty()) return ItemProblem::reference_empty;
  if (item.reference.size() > max_reference_length) return ItemProblem::reference_too_long;
  if (!is_reference_text(item.reference)) return ItemProblem::reference_bad_character;
  if (detail::to_bank_text(item.payee_name, positive_pay_payee_width).empty()) {
    return ItemProblem::payee_name_empty;
  }
  if (detail::trim_spaces(item.address1).empty() || detail::trim_spaces(item.city).empty()) {
    return ItemProblem::address_incomplete;
  }
  if (!is_state_code(item.state)) return ItemProblem::state_invalid;
  if (!is_postal_code(item.postal_code)) return ItemProblem::postal_code_invalid;
  if (item.amount.cents() <= 0) return ItemProblem::amount_not_positive;
  if (item.amount.cents() > max_check_amount_cents) return ItemProblem::amount_too_large;
  return std::nullopt;
}

bool is_writable_date(std::chrono::year_month_day date) {
  return date.ok() && date.year() >= std::chrono::year(1) && date.year() <= std::chrono::year(9999);
}

void write_register_row(std::ostream& output, const CheckItem& item, const std::string& issued,
                        const std::string& voids) {
  output << item.check_number << ',';
  for (const std::string* text : {&item.payee_name, &item.address1, &item.address2, &item.city,
                                  &item.state, &item.postal_code}) {
    detail::write_text_cell(output, *text);
    output << ',';
  }
  output << domain::to_decimal_string(item.amount) << ',' << issued << ',' << voids << ',';
  detail::write_plain_cell(output, item.reference);
  output << detail::csv_line_end;
}

}  // namespace

std::chrono::year_month_day add_days(std::chrono::year_month_day date, int days) {
  DISBURSE_ASSERT(date.ok());
  return std::chrono::year_month_day(std::chrono::sys_days(date) + std::chrono::days(days));
}

std::chrono::year_month_day void_date(std::chrono::year_month_day issue_date, int void_after_days) {
  return add_days(issue_date, void_after_days);
}

std::string to_iso_date(std::chrono::year_month_day date) {
  DISBURSE_ASSERT(is_writable_date(date));
  return zero_filled(static_cast<std::uint64_t>(static_cast<int>(date.year())), 4) + "-" +
         zero_filled(static_cast<unsigned>(date.month()), 2) + "-" +
         zero_filled(static_cast<unsigned>(date.day()), 2);
}

std::string_view describe(ItemProblem problem) {
  switch (problem) {
    case ItemProblem::check_number_out_of_range:
      return "has a check number outside 1 to 9,999,999,999";
    case ItemProblem::check_number_duplicate:
      return "repeats an earlier check number";
    case ItemProblem::reference_empty:
      return "has an empty reference";
    case ItemProblem::reference_too_long:
      return "has a reference longer than 30 characters";
    case ItemProblem::reference_bad_character:
      return "has a reference with characters other than letters, digits, '-' and '_'";
    case ItemProblem::payee_name_empty:
      return "has no usable payee name";
    case ItemProblem::address_incomplete:
      return "lacks the street address or the city";
    case ItemProblem::state_invalid:
      return "has a state that is not two capital letters";
    case ItemProblem::postal_code_invalid:
      return "has a postal code that is not 12345 or 12345-6789";
    case ItemProblem::amount_not_positive:
      return "has an amount that is not positive";
    case ItemProblem::amount_too_large:
      return "has an amount above $99,999,999.99";
  }
  return "is invalid";
}

std::vector<ItemIssue> validate_items(std::span<const CheckItem> items) {
  std::vector<ItemIssue> issues;
  const std::vector<bool> repeated =
      detail::mark_repeated_keys(items, [](const CheckItem& item) { return item.check_number; });
  for (std::size_t index = 0; index < items.size(); index++) {
    std::optional<ItemProblem> problem = own_problem(items[index]);
    if (!problem && repeated[index]) problem = ItemProblem::check_number_duplicate;
    if (problem) issues.push_back({index, items[index].reference, *problem});
  }
  return issues;
}

RegisterSummary write_check_register(std::ostream& output, std::span<const CheckItem> items,
                                     std::chrono::year_month_day issue_date, int void_after_days) {
  if (items.empty()) throw InvalidInput("check register: there are no checks");
  if (!is_writable_date(issue_date) || void_after_days < 1 ||
      !is_writable_date(void_date(issue_date, void_after_days))) {
    throw InvalidInput("check register: the issue date or the void window is invalid");
  }
  const std::vector<ItemIssue> issues = validate_items(items);
  if (!issues.empty()) {
    const ItemIssue& first = issues.front();
    throw InvalidInput("check register: check " + std::to_string(first.item_index + 1) + " ('" +
                       cut(first.reference, 40) + "') " + std::string(describe(first.problem)) +
                       " (" + std::to_string(issues.size()) + " invalid checks in all)");
  }
  RegisterSummary summary;
  summary.check_count = items.size();
  summary.void_date = void_date(issue_date, void_after_days);
  const std::string issued = to_iso_date(issue_date);
  const std::string voids = to_iso_date(summary.void_date);
  output << "check_number,payee,address1,address2,city,state,postal_code,amount,issue_date,"
            "void_date,reference"
         << detail::csv_line_end;
  for (const CheckItem& item : items) {
    write_register_row(output, item, issued, voids);
    summary.total += item.amount;
  }
  return summary;
}

std::vector<PositivePayRecord> issue_records(std::span<const CheckItem> items,
                                             std::chrono::year_month_day issue_date) {
  std::vector<PositivePayRecord> records;
  records.reserve(items.size());
  for (const CheckItem& item : items) {
    records.push_back({item.check_number, item.amount, issue_date, item.payee_name,
                       PositivePayIndicator::issued});
  }
  return records;
}

namespace {

// Throws InvalidInput naming the first record that the layout cannot hold.
void check_positive_pay(std::string_view account_number,
                        std::span<const PositivePayRecord> records) {
  if (account_number.size() > 10 || !is_all_digits(account_number)) {
    throw InvalidInput("Positive Pay file: the account number must be 1 to 10 digits");
  }
  if (records.empty()) throw InvalidInput("Positive Pay file: there are no checks");
  for (std::size_t index = 0; index < records.size(); index++) {
    const PositivePayRecord& record = records[index];
    const bool valid = record.check_number >= 1 && record.check_number <= max_check_number &&
                       record.amount.cents() > 0 &&
                       record.amount.cents() <= max_check_amount_cents &&
                       is_writable_date(record.issue_date) &&
                       !detail::to_bank_text(record.payee_name, positive_pay_payee_width).empty();
    if (!valid) {
      throw InvalidInput("Positive Pay file: record " + std::to_string(index + 1) + " (check " +
                         std::to_string(record.check_number) +
                         ") has an out-of-range number or amount, a bad date or no payee name");
    }
  }
}

void write_positive_pay_record(std::ostream& output, const std::string& record) {
  output << record << '\n';
}

}  // namespace

PositivePaySummary write_positive_pay(std::ostream& output, std::string_view account_number,
                                      std::span<const PositivePayRecord> records) {
  check_positive_pay(account_number, records);
  std::uint64_t account = 0;
  const bool parsed = detail::parse_digits(account_number, account);
  DISBURSE_ASSERT(parsed);
  detail::FixedWidthRecord line(positive_pay_record_length);
  PositivePaySummary summary;
  for (const PositivePayRecord& record : records) {
    const auto& date = record.issue_date;
    line.start()
        .numeric(account, 10)
        .numeric(static_cast<std::uint64_t>(record.check_number), 10)
        .numeric(static_cast<std::uint64_t>(record.amount.cents()), 10)
        .numeric(static_cast<unsigned>(date.month()), 2)
        .numeric(static_cast<unsigned>(date.day()), 2)
        .numeric(static_cast<std::uint64_t>(static_cast<int>(date.year())), 4)
        .bank_text(record.payee_name, positive_pay_payee_width)
        .exact(record.indicator == PositivePayIndicator::issued ? 'I' : 'V');
    write_positive_pay_record(output, line.finish());
    summary.record_count++;
    summary.total += record.amount;
  }
  line.start()
      .numeric(account, 10)
      .numeric(summary.record_count, 10)
      .numeric(static_cast<std::uint64_t>(summary.total.cents()), 14)
      .alphanumeric("", 54)
      .exact('T');
  write_positive_pay_record(output, line.finish());
  return summary;
}

std::string_view to_string(PaidCheckStatus status) {
  switch (status) {
    case PaidCheckStatus::paid:
      return "PAID";
    case PaidCheckStatus::stopped:
      return "STOPPED";
    case PaidCheckStatus::voided:
      return "VOIDED";
  }
  return "PAID";
}

std::string_view describe(PaidCheckLineError error) {
  switch (error) {
    case PaidCheckLineError::line_too_long:
      return "the line is longer than 1,024 characters";
    case PaidCheckLineError::malformed:
      return "the line's quoting is broken";
    case PaidCheckLineError::wrong_field_count:
      return "the line does not have 3 or 4 fields";
    case PaidCheckLineError::bad_check_number:
      return "check_number is not 1 to 10 digits";
    case PaidCheckLineError::bad_amount:
      return "amount is not a valid amount";
    case PaidCheckLineError::bad_date:
      return "paid_date is not a YYYY-MM-DD or MM/DD/YYYY date";
    case PaidCheckLineError::unknown_status:
      return "status is not PAID, STOPPED or VOIDED";
    case PaidCheckLineError::too_many_lines:
      return "the file has too many lines; the rest was not read";
  }
  return "the line is invalid";
}

namespace {

// Column positions; `status` is absent in a three-column file.
struct PaidCheckColumns {
  std::size_t check_number = 0;
  std::size_t amount = 1;
  std::size_t paid_date = 2;
  std::optional<std::size_t> status;
  std::size_t field_count = 0;  // 0 when there is no header: 3 or 4 fields are then accepted
};

constexpr std::array<std::string_view, 4> paid_check_column_names = {"check_number", "amount",
                                                                     "paid_date", "status"};

// Finds the columns of a header row, or records why it is unusable in `file`.
std::optional<PaidCheckColumns> locate_columns(const std::vector<std::string>& header,
                                               PaidChecksFile& file) {
  std::array<std::optional<std::size_t>, 4> positions;
  for (std::size_t column = 0; column < header.size(); column++) {
    const std::string name = detail::normalized_header_name(header[column]);
    for (std::size_t wanted = 0; wanted < paid_check_column_names.size(); wanted++) {
      if (name != paid_check_column_names[wanted]) continue;
      if (positions[wanted]) {
        file.header_error = PaidChecksHeaderError::duplicate_column;
        file.header_column = name;
        return std::nullopt;
      }
      positions[wanted] = column;
    }
  }
  for (std::size_t wanted = 0; wanted < 3; wanted++) {
    if (positions[wanted]) continue;
    file.header_error = PaidChecksHeaderError::missing_column;
    file.header_column = std::string(paid_check_column_names[wanted]);
    return std::nullopt;
  }
  return PaidCheckColumns{*positions[0], *positions[1], *positions[2], positions[3], header.size()};
}

// Parses YYYY-MM-DD or MM/DD/YYYY into a valid calendar date.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::uint64_t year = 0;
  std::uint64_t month = 0;
  std::uint64_t day = 0;
  bool parsed = false;
  if (text[4] == '-' && text[7] == '-') {
    parsed = detail::parse_digits(text.substr(0, 4), year) &&
             detail::parse_digits(text.substr(5, 2), month) &&
             detail::parse_digits(text.substr(8, 2), day);
  } else if (text[2] == '/' && text[5] == '/') {
    parsed = detail::parse_digits(text.substr(0, 2), month) &&
             detail::parse_digits(text.substr(3, 2), day) &&
             detail::parse_digits(text.substr(6, 4), year);
  }
  if (!parsed) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<PaidCheckStatus> parse_status(std::string_view text) {
  const std::string name = detail::normalized_header_name(text);
  if (name.empty() || name == "paid") return PaidCheckStatus::paid;
  if (name == "stopped") return PaidCheckStatus::stopped;
  if (name == "voided") return PaidCheckStatus::voided;
  return std::nullopt;
}

// Turns one record's fields into a paid-check line, or into a problem.
void read_paid_check_fields(const std::vector<std::string>& fields, std::size_t line_number,
                            const PaidCheckColumns& columns, PaidChecksFile& file) {
  const auto problem = [&](PaidCheckLineError error, std::string_view value,
                           domain::MoneyParseError amount_error = domain::MoneyParseError::none) {
    file.problems.push_back({line_number, error, amount_error, cut(value, 40)});
  };
  const bool count_ok = columns.field_count == 0 ? fields.size() == 3 || fields.size() == 4
                                                 : fields.size() == columns.field_count;
  if (!count_ok)
    return problem(PaidCheckLineError::wrong_field_count, std::to_string(fields.size()));
  const std::string& number_text = fields[columns.check_number];
  std::uint64_t check_number = 0;
  if (number_text.size() > 10 || !detail::parse_digits(number_text, check_number) ||
      check_number == 0) {
    return problem(PaidCheckLineError::bad_check_number, number_text);
  }
  const domain::MoneyParse amount = domain::parse_money(fields[columns.amount]);
  if (!amount.ok()) {
    return problem(PaidCheckLineError::bad_amount, fields[columns.amount], amount.error);
  }
  const std::optional<std::chrono::year_month_day> date = parse_date(fields[columns.paid_date]);
  if (!date) return problem(PaidCheckLineError::bad_date, fields[columns.paid_date]);
  const std::optional<std::size_t> status_column = columns.field_count == 0 && fields.size() == 4
                                                       ? std::optional<std::size_t>(3)
                                                       : columns.status;
  const std::string_view status_text = status_column ? fields[*status_column] : std::string_view();
  const std::optional<PaidCheckStatus> status = parse_status(status_text);
  if (!status) return problem(PaidCheckLineError::unknown_status, status_text);
  file.lines.push_back(
      {line_number, static_cast<std::int64_t>(check_number), amount.amount, *date, *status});
}

// The first record is a header when one of its cells is the check_number column's name.
bool names_check_number(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    if (detail::normalized_header_name(field) == "check_number") return true;
  }
  return false;
}

void read_paid_check_record(const detail::DelimitedRecord& record, const PaidCheckColumns& columns,
                            PaidChecksFile& file) {
  if (record.too_long) {
    file.problems.push_back({record.line_number, PaidCheckLineError::line_too_long, {}, {}});
  } else if (record.split_error != detail::SplitError::none) {
    file.problems.push_back({record.line_number, PaidCheckLineError::malformed, {}, {}});
  } else {
    read_paid_check_fields(record.fields, record.line_number, columns, file);
  }
}

}  // namespace

PaidChecksFile read_paid_checks(std::istream& input, std::size_t max_lines) {
  PaidChecksFile file;
  detail::DelimitedReader reader(input, max_paid_check_line_length);
  detail::DelimitedRecord record;
  PaidCheckColumns columns;
  bool first = true;
  while (reader.next(record)) {
    if (record.line_number > max_lines) {
      file.problems.push_back({record.line_number, PaidCheckLineError::too_many_lines, {}, {}});
      break;
    }
    const bool is_header = first && !record.too_long &&
                           record.split_error == detail::SplitError::none &&
                           names_check_number(record.fields);
    first = false;
    if (!is_header) {
      read_paid_check_record(record, columns, file);
      continue;
    }
    file.has_header = true;
    const std::optional<PaidCheckColumns> located = locate_columns(record.fields, file);
    if (!located) return file;
    columns = *located;
  }
  return file;
}

}  // namespace disburse::formats::checks
