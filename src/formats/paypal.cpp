#include "disburse/formats/paypal.hpp"

#include <algorithm>
#include <array>

#include "bank_text.hpp"
#include "delimited.hpp"
#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::formats::paypal {

namespace {

using domain::Money;

bool is_reference_character(char character) {
  return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
         (character >= '0' && character <= '9') || character == '-' || character == '_';
}

bool is_reference_text(std::string_view text) {
  for (const char character : text) {
    if (!is_reference_character(character)) return false;
  }
  return true;
}

bool is_currency_code(std::string_view text) {
  if (text.size() != 3) return false;
  for (const char character : text) {
    if (character < 'A' || character > 'Z') return false;
  }
  return true;
}

// The first problem of one item's own fields, ignoring the other items.
std::optional<ItemProblem> own_problem(const PayoutItem& item) {
  if (item.reference.empty()) return ItemProblem::reference_empty;
  if (item.reference.size() > max_reference_length) return ItemProblem::reference_too_long;
  if (!is_reference_text(item.reference)) return ItemProblem::reference_bad_character;
  if (!is_valid_email(item.receiver_email)) return ItemProblem::email_invalid;
  if (item.amount.cents() <= 0) return ItemProblem::amount_not_positive;
  if (!is_currency_code(item.currency)) return ItemProblem::currency_invalid;
  if (item.note.size() > max_note_length) return ItemProblem::note_too_long;
  return std::nullopt;
}

std::string cut(std::string_view text, std::size_t length) {
  return std::string(text.substr(0, length));
}

// Throws InvalidInput naming the first problem and how many there are.
void throw_if_invalid(std::span<const PayoutItem> items) {
  const std::vector<ItemIssue> issues = validate_items(items);
  if (issues.empty()) return;
  const ItemIssue& first = issues.front();
  throw InvalidInput("PayPal payouts file: item " + std::to_string(first.item_index + 1) + " ('" +
                     cut(first.reference, 40) + "') " + std::string(describe(first.problem)) +
                     " (" + std::to_string(issues.size()) + " invalid items in all)");
}

void write_api_csv(std::ostream& output, std::span<const PayoutItem> items, const FilePart& part) {
  output << "sender_batch_id,recipient_type,receiver,amount,currency,sender_item_id,note"
         << detail::csv_line_end;
  for (const PayoutItem& item : items) {
    detail::write_plain_cell(output, part.sender_batch_id);
    output << ",EMAIL,";
    detail::write_plain_cell(output, item.receiver_email);
    output << ',' << domain::to_decimal_string(item.amount) << ',' << item.currency << ',';
    detail::write_plain_cell(output, item.reference);
    output << ',';
    detail::write_text_cell(output, item.note);
    output << detail::csv_line_end;
  }
}

void write_payouts_web(std::ostream& output, std::span<const PayoutItem> items) {
  for (const PayoutItem& item : items) {
    detail::write_plain_cell(output, item.receiver_email);
    output << ',' << domain::to_decimal_string(item.amount) << ',' << item.currency << ',';
    detail::write_plain_cell(output, item.reference);
    output << ',';
    detail::write_text_cell(output, item.note);
    output << ",PAYPAL" << detail::csv_line_end;
  }
}

}  // namespace

std::string_view describe(ItemProblem problem) {
  switch (problem) {
    case ItemProblem::reference_empty:
      return "has an empty reference";
    case ItemProblem::reference_too_long:
      return "has a reference longer than 30 characters";
    case ItemProblem::reference_bad_character:
      return "has a reference with characters other than letters, digits, '-' and '_'";
    case ItemProblem::reference_duplicate:
      return "repeats an earlier item's reference";
    case ItemProblem::email_invalid:
      return "has an invalid email address";
    case ItemProblem::amount_not_positive:
      return "has an amount that is not positive";
    case ItemProblem::currency_invalid:
      return "has a currency that is not three capitals";
    case ItemProblem::currency_differs_from_first_item:
      return "has a different currency from the first item";
    case ItemProblem::note_too_long:
      return "has a note longer than 1,000 characters";
  }
  return "is invalid";
}

bool is_valid_email(std::string_view email) {
  if (email.empty() || email.size() > max_email_length) return false;
  if (std::string_view("=+-@").find(email.front()) != std::string_view::npos) return false;
  for (const char character : email) {
    if (character <= ' ' || character > '~' || character == '"' || character == ',') return false;
  }
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain_part = email.substr(at + 1);
  const std::size_t dot = domain_part.find('.');
  return dot != std::string_view::npos && dot > 0 && domain_part.back() != '.';
}

std::vector<ItemIssue> validate_items(std::span<const PayoutItem> items) {
  std::vector<ItemIssue> issues;
  const std::vector<bool> repeated = detail::mark_repeated_keys(
      items, [](const PayoutItem& item) { return std::string_view(item.reference); });
  for (std::size_t index = 0; index < items.size(); index++) {
    const PayoutItem& item = items[index];
    std::optional<ItemProblem> problem = own_problem(item);
    if (!problem && item.currency != items.front().currency) {
      problem = ItemProblem::currency_differs_from_first_item;
    }
    if (!problem && repeated[index]) problem = ItemProblem::reference_duplicate;
    if (problem) issues.push_back({index, item.reference, *problem});
  }
  return issues;
}

std::vector<FilePart> plan_parts(std::span<const PayoutItem> items,
                                 std::string_view batch_sender_id, std::size_t max_items_per_file) {
  if (items.empty()) throw InvalidInput("PayPal payouts file: the batch has no items");
  if (max_items_per_file == 0 || max_items_per_file > api_max_items_per_file) {
    throw InvalidInput("PayPal payouts file: items per file must be between 1 and 15,000");
  }
  if (batch_sender_id.empty() || batch_sender_id.size() > max_sender_batch_id_length ||
      !is_reference_text(batch_sender_id)) {
    throw InvalidInput(
        "PayPal payouts file: the sender batch id must be 1 to 100 letters, "
        "digits, '-' or '_'");
  }
  const std::size_t part_count = (items.size() + max_items_per_file - 1) / max_items_per_file;
  std::vector<FilePart> parts;
  for (std::size_t part_index = 0; part_index < part_count; part_index++) {
    FilePart part;
    part.part_number = part_index + 1;
    part.part_count = part_count;
    part.sender_batch_id = std::string(batch_sender_id) + "-p" + std::to_string(part.part_number);
    part.first_item_index = part_index * max_items_per_file;
    part.item_count = std::min(max_items_per_file, items.size() - part.first_item_index);
    for (const PayoutItem& item : items.subspan(part.first_item_index, part.item_count)) {
      part.total += item.amount;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

void write_payouts_file(std::ostream& output, std::span<const PayoutItem> items,
                        const FilePart& part, FileLayout layout) {
  if (part.first_item_index > items.size() ||
      part.item_count > items.size() - part.first_item_index) {
    throw InvalidInput("PayPal payouts file: the part lies outside the batch's items");
  }
  const std::span<const PayoutItem> part_items =
      items.subspan(part.first_item_index, part.item_count);
  const std::size_t limit =
      layout == FileLayout::api_csv ? api_max_items_per_file : web_max_items_per_file;
  if (part_items.empty() || part_items.size() > limit) {
    throw InvalidInput("PayPal payouts file: a file holds 1 to " + std::to_string(limit) +
                       " items, not " + std::to_string(part_items.size()));
  }
  throw_if_invalid(part_items);
  if (layout == FileLayout::api_csv) {
    write_api_csv(output, part_items, part);
  } else {
    write_payouts_web(output, part_items);
  }
}

std::string payouts_web_file_name(const FilePart& part) {
  return part.sender_batch_id + ".csv";
}

namespace {

constexpr std::array<std::pair<std::string_view, TransactionStatus>, 9> status_names = {{
    {"SUCCESS", TransactionStatus::success},
    {"UNCLAIMED", TransactionStatus::unclaimed},
    {"RETURNED", TransactionStatus::returned},
    {"FAILED", TransactionStatus::failed},
    {"BLOCKED", TransactionStatus::blocked},
    {"REFUNDED", TransactionStatus::refunded},
    {"REVERSED", TransactionStatus::reversed},
    {"ONHOLD", TransactionStatus::onhold},
    {"PENDING", TransactionStatus::pending},
}};

}  // namespace

std::optional<TransactionStatus> parse_transaction_status(std::string_view text) {
  std::string upper(text);
  for (char& character : upper) {
    if (character >= 'a' && character <= 'z') character = static_cast<char>(character - 'a' + 'A');
  }
  for (const auto& [name, status] : status_names) {
    if (upper == name) return status;
  }
  return std::nullopt;
}

std::string_view to_string(TransactionStatus status) {
  for (const auto& [name, candidate] : status_names) {
    if (candidate == status) return name;
  }
  DISBURSE_ASSERT(false);
  return {};
}

std::string_view describe(ResultLineError error) {
  switch (error) {
    case ResultLineError::line_too_long:
      return "the line is longer than 4,096 characters";
    case ResultLineError::malformed:
      return "the line's quoting is broken";
    case ResultLineError::wrong_field_count:
      return "the line has a different number of fields";
    case ResultLineError::reference_missing:
      return "sender_item_id is empty";
    case ResultLineError::reference_too_long:
      return "sender_item_id is longer than 30 characters";
    case ResultLineError::unknown_status:
      return "transaction_status is not a known status";
    case ResultLineError::bad_amount:
      return "amount is not a valid amount";
    case ResultLineError::bad_currency:
      return "currency is not three letters";
    case ResultLineError::too_many_lines:
      return "the file has too many lines; the rest was not read";
  }
  return "the line is invalid";
}

namespace {

// Where each required column sits in the header.
struct ResultColumns {
  std::size_t reference = 0;
  std::size_t provider_item_id = 0;
  std::size_t status = 0;
  std::size_t amount = 0;
  std::size_t currency = 0;
  std::size_t time = 0;
  std::size_t field_count = 0;
};

constexpr std::array<std::string_view, 6> result_column_names = {
    "sender_item_id", "payout_item_id", "transaction_status", "amount", "currency", "time"};

// Finds the required columns, or records why the header is unusable in `file`.
std::optional<ResultColumns> locate_columns(const std::vector<std::string>& header,
                                            ResultsFile& file) {
  std::array<std::size_t, 6> positions{};
  std::array<bool, 6> found{};
  for (std::size_t column = 0; column < header.size(); column++) {
    const std::string name = detail::normalized_header_name(header[column]);
    for (std::size_t wanted = 0; wanted < result_column_names.size(); wanted++) {
      if (name != result_column_names[wanted]) continue;
      if (found[wanted]) {
        file.header_error = ResultHeaderError::duplicate_column;
        file.header_column = name;
        return std::nullopt;
      }
      found[wanted] = true;
      positions[wanted] = column;
    }
  }
  for (std::size_t wanted = 0; wanted < result_column_names.size(); wanted++) {
    if (found[wanted]) continue;
    file.header_error = ResultHeaderError::missing_column;
    file.header_column = std::string(result_column_names[wanted]);
    return std::nullopt;
  }
  return ResultColumns{positions[0], positions[1], positions[2], positions[3],
                       positions[4], positions[5], header.size()};
}

bool is_letters(std::string_view text) {
  for (const char character : text) {
    if (!((character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z'))) {
      return false;
    }
  }
  return true;
}

// Turns one record's fields into a result line, or into a problem.
void read_result_fields(const std::vector<std::string>& fields, std::size_t line_number,
                        const ResultColumns& columns, ResultsFile& file) {
  const auto problem = [&](ResultLineError error, std::string_view value,
                           domain::MoneyParseError amount_error = domain::MoneyParseError::none) {
    file.problems.push_back({line_number, error, amount_error, cut(value, 40)});
  };
  if (fields.size() != columns.field_count) {
    return problem(ResultLineError::wrong_field_count, std::to_string(fields.size()));
  }
  const std::string& reference = fields[columns.reference];
  if (reference.empty()) return problem(ResultLineError::reference_missing, {});
  if (reference.size() > max_reference_length) {
    return problem(ResultLineError::reference_too_long, reference);
  }
  const std::optional<TransactionStatus> status = parse_transaction_status(fields[columns.status]);
  if (!status) return problem(ResultLineError::unknown_status, fields[columns.status]);
  const domain::MoneyParse amount = domain::parse_money(fields[columns.amount]);
  if (!amount.ok())
    return problem(ResultLineError::bad_amount, fields[columns.amount], amount.error);
  const std::string& currency = fields[columns.currency];
  if (currency.size() != 3 || !is_letters(currency)) {
    return problem(ResultLineError::bad_currency, currency);
  }
  std::string upper_currency = currency;
  for (char& character : upper_currency) {
    if (character >= 'a' && character <= 'z') character = static_cast<char>(character - 'a' + 'A');
  }
  file.lines.push_back({line_number, reference, fields[columns.provider_item_id], *status,
                        amount.amount, upper_currency, fields[columns.time]});
}

}  // namespace

ResultsFile read_results(std::istream& input, std::size_t max_lines) {
  ResultsFile file;
  detail::DelimitedReader reader(input, max_result_line_length);
  detail::DelimitedRecord record;
  if (!reader.next(record)) {
    file.header_error = ResultHeaderError::empty_file;
    return file;
  }
  if (record.too_long || record.split_error != detail::SplitError::none) {
    file.header_error = ResultHeaderError::malformed;
    return file;
  }
  const std::optional<ResultColumns> columns = locate_columns(record.fields, file);
  if (!columns) return file;
  while (reader.next(record)) {
    if (record.line_number > max_lines) {
      file.problems.push_back({record.line_number, ResultLineError::too_many_lines, {}, {}});
      break;
    }
    if (record.too_long) {
      file.problems.push_back({record.line_number, ResultLineError::line_too_long, {}, {}});
    } else if (record.split_error != detail::SplitError::none) {
      file.problems.push_back({record.line_number, ResultLineError::malformed, {}, {}});
    } else {
      read_result_fields(record.fields, record.line_number, *columns, file);
    }
  }
  return file;
}

}  // namespace disburse::formats::paypal
