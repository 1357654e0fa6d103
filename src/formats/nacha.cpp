#include "disburse/formats/nacha.hpp"

#include <algorithm>

#include "bank_text.hpp"
#include "delimited.hpp"
#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::formats::nacha {

namespace {

using detail::is_all_digits;
using domain::Money;

constexpr std::uint64_t entry_hash_modulus = 10'000'000'000;
constexpr std::int64_t max_trace_sequence = 9'999'999;
constexpr std::int64_t max_batch_number = 9'999'999;

bool is_individual_id_character(char character) {
  return detail::is_ascii_upper(character) || detail::is_ascii_digit(character) || character == '-';
}

std::optional<EntryProblem> own_problem(const CreditEntry& entry) {
  if (entry.reference.empty()) return EntryProblem::reference_empty;
  if (entry.reference.size() > max_individual_id_length) return EntryProblem::reference_too_long;
  for (const char character : entry.reference) {
    if (!is_individual_id_character(character)) return EntryProblem::reference_bad_character;
  }
  if (entry.amount.cents() <= 0) return EntryProblem::amount_not_positive;
  if (entry.amount.cents() > max_entry_amount_cents) return EntryProblem::amount_too_large;
  if (!is_valid_routing_number(entry.routing_number)) return EntryProblem::routing_number_invalid;
  if (!is_all_digits(entry.account_number) ||
      entry.account_number.size() > max_account_number_length) {
    return EntryProblem::account_number_invalid;
  }
  if (detail::to_bank_text(entry.payee_name, max_individual_name_length).empty()) {
    return EntryProblem::payee_name_empty;
  }
  return std::nullopt;
}

using Record = detail::FixedWidthRecord;

void append_yymmdd(Record& record, std::chrono::year_month_day date) {
  record.numeric(static_cast<std::uint64_t>(static_cast<int>(date.year()) % 100), 2)
      .numeric(static_cast<unsigned>(date.month()), 2)
      .numeric(static_cast<unsigned>(date.day()), 2);
}

// Settings text goes into the file in upper case, as banks expect.
std::string upper(std::string_view text) {
  std::string result(text);
  for (char& character : result) {
    if (detail::is_ascii_lower(character)) character = static_cast<char>(character - 'a' + 'A');
  }
  return result;
}

bool fits_bank_text(std::string_view text, std::size_t width) {
  return text.size() <= width && detail::is_printable_ascii(text);
}

// Throws InvalidInput naming the first setting that cannot be written as the bank expects.
void check_settings(const FileSettings& settings) {
  const auto refuse = [](std::string_view what) {
    throw InvalidInput("NACHA file settings: " + std::string(what));
  };
  if (!is_valid_routing_number(settings.immediate_destination_routing)) {
    refuse("immediate destination is not a valid routing number");
  }
  const std::string_view origin = settings.immediate_origin;
  if (!(origin.size() == 10 && fits_bank_text(origin, 10)) &&
      !(origin.size() == 9 && is_all_digits(origin))) {
    refuse("immediate origin must be 10 characters or 9 digits");
  }
  if (!fits_bank_text(settings.immediate_destination_name, 23) ||
      !fits_bank_text(settings.immediate_origin_name, 23) ||
      !fits_bank_text(settings.reference_code, 8) || !fits_bank_text(settings.company_name, 16) ||
      !fits_bank_text(settings.company_discretionary_data, 20) ||
      !fits_bank_text(settings.company_entry_description, 10) ||
      !fits_bank_text(settings.company_descriptive_date, 6)) {
    refuse("a name, description or code is too long or not printable ASCII");
  }
  if (settings.company_name.empty() || settings.company_entry_description.empty() ||
      settings.company_identification.empty() ||
      !fits_bank_text(settings.company_identification, 10)) {
    refuse("company name, identification and entry description are required");
  }
  const char modifier = settings.file_id_modifier;
  if (!detail::is_ascii_upper(modifier) && !detail::is_ascii_digit(modifier)) {
    refuse("file id modifier must be A-Z or 0-9");
  }
  if (!settings.file_creation_date.ok() || !settings.effective_entry_date.ok()) {
    refuse("a date is not a valid calendar date");
  }
  if (settings.file_creation_time < std::chrono::minutes(0) ||
      settings.file_creation_time >= std::chrono::hours(24)) {
    refuse("file creation time must be within the day");
  }
  if (settings.originating_dfi_identification.size() != 8 ||
      !is_all_digits(settings.originating_dfi_identification)) {
    refuse("originating DFI identification must be 8 digits");
  }
  if (settings.batch_number < 1 || settings.batch_number > max_batch_number) {
    refuse("batch number must be 1 to 9,999,999");
  }
  if (settings.batch_entry_limit < 1 || settings.batch_entry_limit > max_entries_per_batch) {
    refuse("entries per batch must be 1 to 999,999");
  }
}

void check_entries(std::span<const CreditEntry> entries, const FileSettings& settings) {
  if (entries.empty()) throw InvalidInput("NACHA file: there are no entries");
  if (entries.size() > max_entries_per_file) {
    throw InvalidInput("NACHA file: more than 9,999,999 entries");
  }
  const auto entry_count = static_cast<std::int64_t>(entries.size());
  if (settings.first_trace_sequence < 1 ||
      settings.first_trace_sequence > max_trace_sequence - entry_count + 1) {
    throw InvalidInput("NACHA file: trace sequences would not fit in 7 digits");
  }
  const auto batch_count = static_cast<std::int64_t>(
      (entries.size() + settings.batch_entry_limit - 1) / settings.batch_entry_limit);
  if (settings.batch_number > max_batch_number - batch_count + 1) {
    throw InvalidInput("NACHA file: batch numbers would not fit in 7 digits");
  }
  const std::vector<EntryIssue> issues = validate_entries(entries);
  if (!issues.empty()) {
    const EntryIssue& first = issues.front();
    throw InvalidInput("NACHA file: entry " + std::to_string(first.entry_index + 1) + " ('" +
                       first.reference.substr(0, 40) + "') " +
                       std::string(describe(first.problem)) + " (" + std::to_string(issues.size()) +
                       " invalid entries in all)");
  }
  std::int64_t total_cents = 0;
  for (const CreditEntry& entry : entries) {
    total_cents += entry.amount.cents();
    if (total_cents > max_total_amount_cents) {
      throw InvalidInput("NACHA file: the total exceeds the 12-digit control field");
    }
  }
}

const std::string& file_header_record(Record& record, const FileSettings& settings) {
  const auto minutes = static_cast<std::uint64_t>(settings.file_creation_time.count());
  record.start().exact("101 ").exact(settings.immediate_destination_routing);
  if (settings.immediate_origin.size() == 9) {
    record.exact(' ').exact(settings.immediate_origin);
  } else {
    record.alphanumeric(upper(settings.immediate_origin), 10);
  }
  append_yymmdd(record, settings.file_creation_date);
  return record.numeric(minutes / 60, 2)
      .numeric(minutes % 60, 2)
      .exact(settings.file_id_modifier)
      .exact("094101")
      .alphanumeric(upper(settings.immediate_destination_name), 23)
      .alphanumeric(upper(settings.immediate_origin_name), 23)
      .alphanumeric(upper(settings.reference_code), 8)
      .finish();
}

const std::string& batch_header_record(Record& record, const FileSettings& settings,
                                       std::int64_t batch_number) {
  record.start()
      .exact("5220")
      .alphanumeric(upper(settings.company_name), 16)
      .alphanumeric(upper(settings.company_discretionary_data), 20)
      .alphanumeric(upper(settings.company_identification), 10)
      .exact("PPD")
      .alphanumeric(upper(settings.company_entry_description), 10)
      .alphanumeric(upper(settings.company_descriptive_date), 6);
  append_yymmdd(record, settings.effective_entry_date);
  return record.exact("   1")
      .exact(settings.originating_dfi_identification)
      .numeric(static_cast<std::uint64_t>(batch_number), 7)
      .finish();
}

const std::string& entry_detail_record(Record& record, const CreditEntry& entry,
                                       std::uint64_t trace_sequence, const FileSettings& settings) {
  return record.start()
      .exact(entry.account_type == AccountType::checking ? "622" : "632")
      .exact(entry.routing_number)
      .alphanumeric(entry.account_number, max_account_number_length)
      .numeric(static_cast<std::uint64_t>(entry.amount.cents()), 10)
      .alphanumeric(entry.reference, max_individual_id_length)
      .bank_text(entry.payee_name, max_individual_name_length)
      .exact("  0")
      .exact(settings.originating_dfi_identification)
      .numeric(trace_sequence, 7)
      .finish();
}

// What one batch's control record states.
struct BatchTotals {
  std::size_t entry_count = 0;
  std::uint64_t entry_hash = 0;
  Money total_credit;
};

const std::string& batch_control_record(Record& record, const FileSettings& settings,
                                        std::int64_t batch_number, const BatchTotals& totals) {
  return record.start()
      .exact("8220")
      .numeric(totals.entry_count, 6)
      .numeric(totals.entry_hash, 10)
      .numeric(0, 12)
      .numeric(static_cast<std::uint64_t>(totals.total_credit.cents()), 12)
      .alphanumeric(upper(settings.company_identification), 10)
      .alphanumeric("", 25)
      .exact(settings.originating_dfi_identification)
      .numeric(static_cast<std::uint64_t>(batch_number), 7)
      .finish();
}

const std::string& file_control_record(Record& record, const WriteSummary& summary) {
  return record.start()
      .exact('9')
      .numeric(summary.batch_count, 6)
      .numeric(summary.block_count, 6)
      .numeric(summary.entry_count, 8)
      .numeric(summary.entry_hash, 10)
      .numeric(0, 12)
      .numeric(static_cast<std::uint64_t>(summary.total_credit.cents()), 12)
      .alphanumeric("", 39)
      .finish();
}

void write_record(std::ostream& output, const std::string& record) {
  output.write(record.data(), static_cast<std::streamsize>(record.size()));
  output.put('\n');
}

// Writes one batch's header, entries and control, and adds the batch to `summary`. Trace
// sequences continue from the entries already in the summary.
void write_batch(std::ostream& output, Record& record, const FileSettings& settings,
                 std::span<const CreditEntry> entries, WriteSummary& summary) {
  const std::int64_t batch_number =
      settings.batch_number + static_cast<std::int64_t>(summary.batch_count);
  write_record(output, batch_header_record(record, settings, batch_number));
  BatchTotals totals;
  for (const CreditEntry& entry : entries) {
    const std::uint64_t sequence =
        static_cast<std::uint64_t>(settings.first_trace_sequence) + summary.traces.size();
    const std::string& written = entry_detail_record(record, entry, sequence, settings);
    write_record(output, written);
    // The trace number closes the entry record.
    summary.traces.push_back({entry.reference, written.substr(record_length - 15)});
    std::uint64_t receiving_dfi = 0;
    const bool parsed =
        detail::parse_digits(std::string_view(entry.routing_number).substr(0, 8), receiving_dfi);
    DISBURSE_ASSERT(parsed);
    totals.entry_count++;
    totals.entry_hash = (totals.entry_hash + receiving_dfi) % entry_hash_modulus;
    totals.total_credit += entry.amount;
  }
  write_record(output, batch_control_record(record, settings, batch_number, totals));
  summary.batch_count++;
  summary.entry_count += totals.entry_count;
  summary.entry_hash = (summary.entry_hash + totals.entry_hash) % entry_hash_modulus;
  summary.total_credit += totals.total_credit;
}

}  // namespace

bool is_valid_routing_number(std::string_view routing_number) {
  if (routing_number.size() != 9 || !is_all_digits(routing_number)) return false;
  return routing_check_digit(routing_number.substr(0, 8)) == routing_number[8];
}

char routing_check_digit(std::string_view first_eight_digits) {
  DISBURSE_ASSERT(first_eight_digits.size() == 8 && is_all_digits(first_eight_digits));
  constexpr int weights[] = {3, 7, 1, 3, 7, 1, 3, 7};
  int sum = 0;
  for (std::size_t index = 0; index < 8; index++) {
    sum += weights[index] * (first_eight_digits[index] - '0');
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string_view describe(EntryProblem problem) {
  switch (problem) {
    case EntryProblem::reference_empty:
      return "has an empty reference";
    case EntryProblem::reference_too_long:
      return "has a reference longer than 15 characters";
    case EntryProblem::reference_bad_character:
      return "has a reference with characters other than A-Z, 0-9 and '-'";
    case EntryProblem::reference_duplicate:
      return "repeats an earlier entry's reference";
    case EntryProblem::amount_not_positive:
      return "has an amount that is not positive";
    case EntryProblem::amount_too_large:
      return "has an amount above $99,999,999.99";
    case EntryProblem::routing_number_invalid:
      return "has an invalid routing number";
    case EntryProblem::account_number_invalid:
      return "has an account number that is not 1-17 digits";
    case EntryProblem::payee_name_empty:
      return "has no usable payee name";
  }
  return "is invalid";
}

std::vector<EntryIssue> validate_entries(std::span<const CreditEntry> entries) {
  std::vector<EntryIssue> issues;
  const std::vector<bool> repeated = detail::mark_repeated_keys(
      entries, [](const CreditEntry& entry) { return std::string_view(entry.reference); });
  for (std::size_t index = 0; index < entries.size(); index++) {
    std::optional<EntryProblem> problem = own_problem(entries[index]);
    if (!problem && repeated[index]) problem = EntryProblem::reference_duplicate;
    if (problem) issues.push_back({index, entries[index].reference, *problem});
  }
  return issues;
}

WriteSummary write_ppd_credit_file(std::ostream& output, const FileSettings& settings,
                                   std::span<const CreditEntry> entries) {
  check_settings(settings);
  check_entries(entries, settings);
  // Everything was validated above, so the records stream out without being held in memory.
  WriteSummary summary;
  summary.traces.reserve(entries.size());
  Record record(record_length);
  write_record(output, file_header_record(record, settings));
  for (std::size_t first = 0; first < entries.size(); first += settings.batch_entry_limit) {
    const std::size_t count = std::min(settings.batch_entry_limit, entries.size() - first);
    write_batch(output, record, settings, entries.subspan(first, count), summary);
  }
  const std::size_t records_before_fill = entries.size() + 2 * summary.batch_count + 2;
  summary.block_count = (records_before_fill + blocking_factor - 1) / blocking_factor;
  summary.record_count = summary.block_count * blocking_factor;
  write_record(output, file_control_record(record, summary));
  const std::string fill(record_length, '9');
  for (std::size_t index = records_before_fill; index < summary.record_count; index++) {
    write_record(output, fill);
  }
  return summary;
}

std::string EntryDetail::routing_number() const {
  return receiving_dfi_identification + check_digit;
}

bool EntryDetail::is_credit() const {
  return transaction_code % 10 <= 4;
}

std::string_view describe(RecordProblem problem) {
  switch (problem) {
    case RecordProblem::line_too_long:
      return "the line is far longer than a file of records";
    case RecordProblem::wrong_length:
      return "the record is not 94 characters long";
    case RecordProblem::non_ascii_character:
      return "the record holds a byte outside printable ASCII";
    case RecordProblem::unknown_record_type:
      return "the record type is not 1, 5, 6, 7, 8 or 9";
    case RecordProblem::bad_field:
      return "a field is not in its required format";
    case RecordProblem::missing_file_header:
      return "the file does not start with a file header";
    case RecordProblem::record_out_of_order:
      return "the record is out of order";
    case RecordProblem::addenda_without_entry:
      return "an addenda record follows no entry";
    case RecordProblem::addenda_not_announced:
      return "an addenda record follows an entry whose addenda indicator is 0";
    case RecordProblem::unsupported_addenda_type:
      return "the addenda type is not 05, 98 or 99";
    case RecordProblem::unknown_return_code:
      return "the return reason code is not R01-R85";
    case RecordProblem::unknown_change_code:
      return "the change code is not C01-C13";
    case RecordProblem::bad_transaction_code:
      return "the transaction code is not a known code";
    case RecordProblem::unclosed_batch:
      return "a batch ends without its control record";
    case RecordProblem::batch_service_class_mismatch:
      return "the batch control's service class differs from the header's";
    case RecordProblem::batch_number_mismatch:
      return "the batch control's batch number differs from the header's";
    case RecordProblem::batch_entry_count_mismatch:
      return "the batch's entry/addenda count is wrong";
    case RecordProblem::batch_entry_hash_mismatch:
      return "the batch's entry hash is wrong";
    case RecordProblem::batch_debit_total_mismatch:
      return "the batch's debit total is wrong";
    case RecordProblem::batch_credit_total_mismatch:
      return "the batch's credit total is wrong";
    case RecordProblem::missing_file_control:
      return "the file has no file control record";
    case RecordProblem::record_after_file_control:
      return "a record follows the file control";
    case RecordProblem::file_batch_count_mismatch:
      return "the file's batch count is wrong";
    case RecordProblem::file_block_count_mismatch:
      return "the file's block count is wrong";
    case RecordProblem::file_entry_count_mismatch:
      return "the file's entry/addenda count is wrong";
    case RecordProblem::file_entry_hash_mismatch:
      return "the file's entry hash is wrong";
    case RecordProblem::file_debit_total_mismatch:
      return "the file's debit total is wrong";
    case RecordProblem::file_credit_total_mismatch:
      return "the file's credit total is wrong";
    case RecordProblem::incomplete_block:
      return "the file is not filled to a multiple of 10 records";
    case RecordProblem::too_many_records:
      return "the file has too many records; the rest was not read";
  }
  return "the record is invalid";
}

namespace {

// A 94-character record read by the 1-based, inclusive positions the NACHA rules use.
class RecordView {
 public:
  explicit RecordView(std::string_view record) : record_(record) {
    DISBURSE_ASSERT(record.size() == record_length);
  }

  std::string_view raw(std::size_t first, std::size_t last) const {
    return record_.substr(first - 1, last - first + 1);
  }
  std::string text(std::size_t first, std::size_t last) const {
    return std::string(detail::trim_spaces(raw(first, last)));
  }
  bool number(std::size_t first, std::size_t last, std::uint64_t& value) const {
    return detail::parse_digits(raw(first, last), value);
  }
  bool digits(std::size_t first, std::size_t last, std::string& value) const {
    value = std::string(raw(first, last));
    return is_all_digits(value);
  }
  bool money(std::size_t first, std::size_t last, Money& value) const {
    std::uint64_t cents = 0;
    if (!number(first, last, cents)) return false;
    value = Money::from_cents(static_cast<std::int64_t>(cents));
    return true;
  }

 private:
  std::string_view record_;
};

bool parse_file_header(const RecordView record, FileHeader& header) {
  header.priority_code = record.text(2, 3);
  header.immediate_destination = std::string(record.raw(4, 13));
  header.immediate_origin = std::string(record.raw(14, 23));
  header.file_creation_date = record.text(24, 29);
  header.file_creation_time = record.text(30, 33);
  header.file_id_modifier = record.raw(34, 34).front();
  header.immediate_destination_name = record.text(41, 63);
  header.immediate_origin_name = record.text(64, 86);
  header.reference_code = record.text(87, 94);
  return record.raw(35, 40) == "094101";
}

bool parse_batch_header(const RecordView record, BatchHeader& header) {
  std::uint64_t service_class = 0;
  std::uint64_t batch_number = 0;
  const bool numbers_ok = record.number(2, 4, service_class) && record.number(88, 94, batch_number);
  header.service_class_code = static_cast<int>(service_class);
  header.batch_number = static_cast<std::int64_t>(batch_number);
  header.company_name = record.text(5, 20);
  header.company_discretionary_data = record.text(21, 40);
  header.company_identification = record.text(41, 50);
  header.standard_entry_class = record.text(51, 53);
  header.company_entry_description = record.text(54, 63);
  header.company_descriptive_date = record.text(64, 69);
  header.effective_entry_date = record.text(70, 75);
  header.settlement_date = record.text(76, 78);
  header.originator_status_code = record.raw(79, 79).front();
  header.originating_dfi_identification = record.text(80, 87);
  return numbers_ok;
}

bool parse_entry_detail(const RecordView record, EntryDetail& entry) {
  std::uint64_t transaction_code = 0;
  std::string check_digit;
  const char addenda_indicator = record.raw(79, 79).front();
  const bool ok = record.number(2, 3, transaction_code) &&
                  record.digits(4, 11, entry.receiving_dfi_identification) &&
                  record.digits(12, 12, check_digit) && record.money(30, 39, entry.amount) &&
                  record.digits(80, 94, entry.trace_number) &&
                  (addenda_indicator == '0' || addenda_indicator == '1');
  entry.transaction_code = static_cast<int>(transaction_code);
  entry.check_digit = check_digit.empty() ? '0' : check_digit.front();
  entry.dfi_account_number = record.text(13, 29);
  entry.individual_identification = record.text(40, 54);
  entry.individual_name = record.text(55, 76);
  entry.discretionary_data = record.text(77, 78);
  entry.has_addenda = addenda_indicator == '1';
  return ok;
}

bool parse_batch_control(const RecordView record, BatchControl& control) {
  std::uint64_t service_class = 0;
  std::uint64_t batch_number = 0;
  const bool ok =
      record.number(2, 4, service_class) && record.number(5, 10, control.entry_addenda_count) &&
      record.number(11, 20, control.entry_hash) && record.money(21, 32, control.total_debit) &&
      record.money(33, 44, control.total_credit) && record.number(88, 94, batch_number);
  control.service_class_code = static_cast<int>(service_class);
  control.batch_number = static_cast<std::int64_t>(batch_number);
  control.company_identification = record.text(45, 54);
  control.originating_dfi_identification = record.text(80, 87);
  return ok;
}

bool parse_file_control(const RecordView record, FileControl& control) {
  return record.number(2, 7, control.batch_count) && record.number(8, 13, control.block_count) &&
         record.number(14, 21, control.entry_addenda_count) &&
         record.number(22, 31, control.entry_hash) && record.money(32, 43, control.total_debit) &&
         record.money(44, 55, control.total_credit);
}

bool is_known_transaction_code(int code) {
  const int account_kind = code / 10;
  const int action = code % 10;
  if (account_kind < 2 || account_kind > 5) return false;
  if (account_kind == 5) return action == 1 || action == 2 || action == 3 || action == 5;
  return action != 0 && action != 5;
}

// True when `code` is `letter` followed by two digits between 01 and `highest`.
bool is_code_in_range(std::string_view code, char letter, int highest) {
  if (code.size() != 3 || code[0] != letter || !is_all_digits(code.substr(1))) return false;
  const int number = (code[1] - '0') * 10 + (code[2] - '0');
  return number >= 1 && number <= highest;
}

// Follows the records of a file in order, keeping the open batch, and reports problems.
class FileReader {
 public:
  explicit FileReader(ParsedFile& file) : file_(file) {}

  void accept(std::string_view record);
  void reject(RecordProblem problem) {
    record_number_++;
    file_.record_count = record_number_;
    report(problem);
  }
  void finish();

 private:
  void report(RecordProblem problem) { file_.problems.push_back({record_number_, problem}); }
  void require_header();
  void on_file_header(RecordView record);
  void on_batch_header(RecordView record);
  void on_entry(RecordView record);
  void on_addenda(RecordView record);
  void on_return_addenda(RecordView record, EntryDetail& entry);
  void on_change_addenda(RecordView record, EntryDetail& entry);
  void on_batch_control(RecordView record);
  void on_file_control(RecordView record);
  void close_batch();
  void verify_batch(const Batch& batch, const BatchControl& control);
  void verify_file(const FileControl& control);

  ParsedFile& file_;
  std::size_t record_number_ = 0;
  bool batch_open_ = false;
  bool entry_takes_addenda_ = false;
  bool reported_missing_header_ = false;
  bool after_file_control_ = false;
  std::size_t fill_records_ = 0;
};

void FileReader::accept(std::string_view record) {
  record_number_++;
  file_.record_count = record_number_;
  if (!detail::is_printable_ascii(record)) return report(RecordProblem::non_ascii_character);
  if (record.size() != record_length) return report(RecordProblem::wrong_length);
  const RecordView view(record);
  if (record.find_first_not_of('9') == std::string_view::npos) {
    fill_records_++;
    if (!after_file_control_) report(RecordProblem::record_out_of_order);
    return;
  }
  if (after_file_control_) return report(RecordProblem::record_after_file_control);
  switch (record.front()) {
    case '1':
      return on_file_header(view);
    case '5':
      return on_batch_header(view);
    case '6':
      return on_entry(view);
    case '7':
      return on_addenda(view);
    case '8':
      return on_batch_control(view);
    case '9':
      return on_file_control(view);
    default:
      return report(RecordProblem::unknown_record_type);
  }
}

void FileReader::require_header() {
  if (file_.header || reported_missing_header_) return;
  reported_missing_header_ = true;
  report(RecordProblem::missing_file_header);
}

void FileReader::on_file_header(RecordView record) {
  if (file_.header || reported_missing_header_ || !file_.batches.empty()) {
    return report(RecordProblem::record_out_of_order);
  }
  FileHeader header;
  if (!parse_file_header(record, header)) report(RecordProblem::bad_field);
  file_.header = std::move(header);
}

void FileReader::on_batch_header(RecordView record) {
  require_header();
  if (batch_open_) {
    report(RecordProblem::unclosed_batch);
    close_batch();
  }
  Batch batch;
  batch.header.record_number = record_number_;
  if (!parse_batch_header(record, batch.header)) report(RecordProblem::bad_field);
  file_.batches.push_back(std::move(batch));
  batch_open_ = true;
  entry_takes_addenda_ = false;
}

void FileReader::on_entry(RecordView record) {
  require_header();
  entry_takes_addenda_ = false;
  if (!batch_open_) return report(RecordProblem::record_out_of_order);
  EntryDetail entry;
  entry.record_number = record_number_;
  if (!parse_entry_detail(record, entry)) return report(RecordProblem::bad_field);
  if (!is_known_transaction_code(entry.transaction_code)) {
    report(RecordProblem::bad_transaction_code);
  }
  file_.batches.back().entries.push_back(std::move(entry));
  entry_takes_addenda_ = true;
}

void FileReader::on_addenda(RecordView record) {
  require_header();
  if (!batch_open_ || !entry_takes_addenda_) return report(RecordProblem::addenda_without_entry);
  EntryDetail& entry = file_.batches.back().entries.back();
  entry.addenda_count++;
  if (!entry.has_addenda) report(RecordProblem::addenda_not_announced);
  const std::string_view type = record.raw(2, 3);
  if (type == "99") return on_return_addenda(record, entry);
  if (type == "98") return on_change_addenda(record, entry);
  if (type == "05") {
    entry.payment_information.push_back(record.text(4, 83));
    return;
  }
  report(RecordProblem::unsupported_addenda_type);
}

void FileReader::on_return_addenda(RecordView record, EntryDetail& entry) {
  ReturnAddenda addenda;
  addenda.return_reason_code = std::string(record.raw(4, 6));
  addenda.original_trace_number = record.text(7, 21);
  addenda.date_of_death = record.text(22, 27);
  addenda.original_receiving_dfi = record.text(28, 35);
  addenda.addenda_information = record.text(36, 79);
  addenda.trace_number = record.text(80, 94);
  if (!is_code_in_range(addenda.return_reason_code, 'R', 85)) {
    report(RecordProblem::unknown_return_code);
  }
  if (entry.return_addenda || entry.change_addenda) report(RecordProblem::record_out_of_order);
  entry.return_addenda = std::move(addenda);
}

void FileReader::on_change_addenda(RecordView record, EntryDetail& entry) {
  ChangeAddenda addenda;
  addenda.change_code = std::string(record.raw(4, 6));
  addenda.original_trace_number = record.text(7, 21);
  addenda.original_receiving_dfi = record.text(28, 35);
  addenda.corrected_data = std::string(record.raw(36, 64));
  addenda.trace_number = record.text(80, 94);
  if (!is_code_in_range(addenda.change_code, 'C', 13)) report(RecordProblem::unknown_change_code);
  if (entry.return_addenda || entry.change_addenda) report(RecordProblem::record_out_of_order);
  entry.change_addenda = std::move(addenda);
}

void FileReader::on_batch_control(RecordView record) {
  require_header();
  entry_takes_addenda_ = false;
  if (!batch_open_) return report(RecordProblem::record_out_of_order);
  BatchControl control;
  control.record_number = record_number_;
  if (!parse_batch_control(record, control)) {
    report(RecordProblem::bad_field);
  } else {
    verify_batch(file_.batches.back(), control);
    file_.batches.back().control = control;
  }
  batch_open_ = false;
}

void FileReader::on_file_control(RecordView record) {
  require_header();
  if (batch_open_) {
    report(RecordProblem::unclosed_batch);
    close_batch();
  }
  after_file_control_ = true;
  FileControl control;
  control.record_number = record_number_;
  if (!parse_file_control(record, control)) return report(RecordProblem::bad_field);
  file_.control = control;
}

void FileReader::close_batch() {
  batch_open_ = false;
  entry_takes_addenda_ = false;
}

// What a set of entries adds up to, as the control records state it.
struct Totals {
  std::uint64_t entry_addenda_count = 0;
  std::uint64_t entry_hash = 0;
  Money total_debit;
  Money total_credit;

  void add(const EntryDetail& entry) {
    std::uint64_t receiving_dfi = 0;
    const bool parsed = detail::parse_digits(entry.receiving_dfi_identification, receiving_dfi);
    DISBURSE_ASSERT(parsed);
    entry_addenda_count += 1 + entry.addenda_count;
    entry_hash = (entry_hash + receiving_dfi) % entry_hash_modulus;
    (entry.is_credit() ? total_credit : total_debit) += entry.amount;
  }
};

void FileReader::verify_batch(const Batch& batch, const BatchControl& control) {
  Totals totals;
  for (const EntryDetail& entry : batch.entries) totals.add(entry);
  if (control.service_class_code != batch.header.service_class_code) {
    report(RecordProblem::batch_service_class_mismatch);
  }
  if (control.batch_number != batch.header.batch_number) {
    report(RecordProblem::batch_number_mismatch);
  }
  if (control.entry_addenda_count != totals.entry_addenda_count) {
    report(RecordProblem::batch_entry_count_mismatch);
  }
  if (control.entry_hash != totals.entry_hash) report(RecordProblem::batch_entry_hash_mismatch);
  if (control.total_debit != totals.total_debit) report(RecordProblem::batch_debit_total_mismatch);
  if (control.total_credit != totals.total_credit) {
    report(RecordProblem::batch_credit_total_mismatch);
  }
}

void FileReader::verify_file(const FileControl& control) {
  Totals totals;
  for (const Batch& batch : file_.batches) {
    for (const EntryDetail& entry : batch.entries) totals.add(entry);
  }
  const auto blocks = (control.record_number + blocking_factor - 1) / blocking_factor;
  const auto problem_at_control = [&](RecordProblem problem) {
    file_.problems.push_back({control.record_number, problem});
  };
  if (control.batch_count != file_.batches.size()) {
    problem_at_control(RecordProblem::file_batch_count_mismatch);
  }
  if (control.block_count != blocks) problem_at_control(RecordProblem::file_block_count_mismatch);
  if (control.entry_addenda_count != totals.entry_addenda_count) {
    problem_at_control(RecordProblem::file_entry_count_mismatch);
  }
  if (control.entry_hash != totals.entry_hash) {
    problem_at_control(RecordProblem::file_entry_hash_mismatch);
  }
  if (control.total_debit != totals.total_debit) {
    problem_at_control(RecordProblem::file_debit_total_mismatch);
  }
  if (control.total_credit != totals.total_credit) {
    problem_at_control(RecordProblem::file_credit_total_mismatch);
  }
}

void FileReader::finish() {
  if (batch_open_) {
    report(RecordProblem::unclosed_batch);
    close_batch();
  }
  if (!file_.header && !reported_missing_header_) report(RecordProblem::missing_file_header);
  if (!after_file_control_) return report(RecordProblem::missing_file_control);
  if (file_.control) verify_file(*file_.control);
  if (record_number_ % blocking_factor != 0) report(RecordProblem::incomplete_block);
}

// A line this long cannot be a file of records; reading stops keeping it beyond this.
constexpr std::size_t max_line_length = record_length * 1'000;

// Above this many records the sums of the largest amounts could overflow 64 bits.
constexpr std::size_t record_limit_ceiling = 100'000'000;

}  // namespace

ParsedFile read_file(std::istream& input, std::size_t max_records) {
  max_records = std::min(max_records, record_limit_ceiling);
  ParsedFile file;
  FileReader reader(file);
  std::string line;
  detail::LineReadStatus status = detail::LineReadStatus::line;
  while ((status = detail::read_bounded_line(input, line, max_line_length)) !=
         detail::LineReadStatus::end_of_input) {
    if (status == detail::LineReadStatus::line && line.empty()) continue;
    // Some banks send the records without line breaks; such a line splits into whole records.
    const bool unbroken = status == detail::LineReadStatus::line && line.size() > record_length &&
                          line.size() % record_length == 0;
    const std::size_t step = unbroken ? record_length : line.size();
    for (std::size_t start = 0; start < line.size(); start += step) {
      if (file.record_count >= max_records) {
        file.problems.push_back({file.record_count, RecordProblem::too_many_records});
        return file;
      }
      if (status == detail::LineReadStatus::too_long) {
        reader.reject(RecordProblem::line_too_long);
      } else {
        reader.accept(std::string_view(line).substr(start, step));
      }
    }
  }
  reader.finish();
  return file;
}

CorrectedFields decode_corrected_data(std::string_view change_code,
                                      std::string_view corrected_data) {
  std::string padded(corrected_data);
  padded.resize(29, ' ');
  const auto field = [&](std::size_t first, std::size_t length) {
    return std::string(detail::trim_spaces(std::string_view(padded).substr(first, length)));
  };
  const auto routing = [&](std::size_t first) {
    const std::string value = field(first, 9);
    return value.size() == 9 && is_all_digits(value) ? value : std::string();
  };
  const auto transaction_code = [&](std::size_t first) -> std::optional<int> {
    std::uint64_t code = 0;
    if (!detail::parse_digits(std::string_view(padded).substr(first, 2), code)) return std::nullopt;
    return static_cast<int>(code);
  };
  CorrectedFields fields;
  if (change_code == "C01") fields.account_number = field(0, 17);
  if (change_code == "C02") fields.routing_number = routing(0);
  if (change_code == "C03") {
    fields.routing_number = routing(0);
    fields.account_number = field(12, 17);
  }
  if (change_code == "C04") fields.individual_name = field(0, 22);
  if (change_code == "C05") fields.transaction_code = transaction_code(0);
  if (change_code == "C06") {
    fields.account_number = field(0, 17);
    fields.transaction_code = transaction_code(20);
  }
  if (change_code == "C07") {
    fields.routing_number = routing(0);
    fields.account_number = field(9, 17);
    fields.transaction_code = transaction_code(26);
  }
  if (change_code == "C09") fields.individual_identification = field(0, 22);
  return fields;
}

std::vector<ReturnNotice> collect_returns(const ParsedFile& file) {
  std::vector<ReturnNotice> notices;
  for (const Batch& batch : file.batches) {
    for (const EntryDetail& entry : batch.entries) {
      if (!entry.return_addenda) continue;
      const ReturnAddenda& addenda = *entry.return_addenda;
      notices.push_back({entry.record_number, addenda.return_reason_code,
                         addenda.original_trace_number, addenda.original_receiving_dfi,
                         entry.individual_identification, entry.amount, entry.transaction_code,
                         addenda.date_of_death, addenda.addenda_information});
    }
  }
  return notices;
}

std::vector<ChangeNotice> collect_changes(const ParsedFile& file) {
  std::vector<ChangeNotice> notices;
  for (const Batch& batch : file.batches) {
    for (const EntryDetail& entry : batch.entries) {
      if (!entry.change_addenda) continue;
      const ChangeAddenda& addenda = *entry.change_addenda;
      notices.push_back({entry.record_number, addenda.change_code, addenda.original_trace_number,
                         addenda.original_receiving_dfi, entry.individual_identification,
                         std::string(detail::trim_spaces(addenda.corrected_data)),
                         decode_corrected_data(addenda.change_code, addenda.corrected_data)});
    }
  }
  return notices;
}

}  // namespace disburse::formats::nacha
