#pragma once
// NACHA ACH files: the PPD credit file we originate, and a reader for any NACHA file (our own
// output, or the returns and notifications of change the bank sends back).
//
// The writer produces one file with one batch (or, past `batch_entry_limit` entries, several
// consecutive batches, each with its own header and control):
//   1 File Header     priority 01, immediate destination " " + 9-digit routing, immediate
//                     origin (10), creation date YYMMDD and time HHMM, file id modifier,
//                     record size 094, blocking factor 10, format code 1, names, reference code
//   5 Batch Header    service class 220 (credits only), company name (16), discretionary data
//                     (20), company identification (10), SEC code PPD, entry description (10),
//                     descriptive date (6), effective entry date YYMMDD, settlement date blank
//                     (the ACH operator fills it), originator status 1, ODFI id (8), batch no.
//   6 Entry Detail    one per payment: transaction code 22 (checking credit) or 32 (savings
//                     credit), receiving DFI id (8) and its check digit, DFI account number
//                     (17, left-justified), amount (10, cents), individual id number (15: the
//                     payment's reference), individual name (22), discretionary data (2),
//                     addenda indicator 0, trace number (ODFI id + 7-digit sequence)
//   8 Batch Control   service class, entry/addenda count (6), entry hash (10: the sum of the
//                     8-digit receiving DFI ids, rightmost 10 digits), total debit (12, zero),
//                     total credit (12), company id, authentication code (blank), ODFI, batch no.
//   9 File Control    batch count (6), block count (6), entry/addenda count (8), entry hash,
//                     total debit and credit (12 each), 39 blanks
// then records of 94 nines up to a multiple of 10 records. Every record is 94 characters of
// upper-case printable ASCII: alphanumeric fields left-justified and space-filled, numeric fields
// right-justified and zero-filled. Records end with "\n".
//
// The reader accepts records separated by "\n" or "\r\n" (or none: a line holding several
// whole records is split), validates each record's length, characters, type and order, parses
// the fields, and checks the batch and file controls against the entries. It reports every
// problem with its record number and never throws or stops for bad content.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "disburse/domain/money.hpp"

namespace disburse::formats::nacha {

inline constexpr std::size_t record_length = 94;
inline constexpr std::size_t blocking_factor = 10;
inline constexpr std::size_t max_individual_id_length = 15;
inline constexpr std::size_t max_account_number_length = 17;
inline constexpr std::size_t max_individual_name_length = 22;
// The batch control's entry/addenda count has 6 digits.
inline constexpr std::size_t max_entries_per_batch = 999'999;
// A trace number's sequence has 7 digits, and every entry of a file needs its own.
inline constexpr std::size_t max_entries_per_file = 9'999'999;
// The entry amount field has 10 digits of cents.
inline constexpr std::int64_t max_entry_amount_cents = 9'999'999'999;
// The control total fields have 12 digits of cents.
inline constexpr std::int64_t max_total_amount_cents = 999'999'999'999;

// True for 9 digits whose ABA checksum holds: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0
// (mod 10). Use it to validate routing numbers when they are entered.
bool is_valid_routing_number(std::string_view routing_number);

// The ABA check digit ('0'–'9') for 8 digits.
char routing_check_digit(std::string_view first_eight_digits);

enum class AccountType { checking, savings };

// One credit to a person's bank account.
struct CreditEntry {
  std::string reference;  // individual id number: 1–15 of A–Z, 0–9 and '-'
  domain::Money amount;
  std::string payee_name;      // free UTF-8 text; mapped to upper-case ASCII, cut to 22
  std::string routing_number;  // 9 digits with a valid check digit
  std::string account_number;  // 1–17 digits
  AccountType account_type = AccountType::checking;
};

// Why an entry cannot go into a file.
enum class EntryProblem {
  reference_empty,
  reference_too_long,
  reference_bad_character,
  reference_duplicate,
  amount_not_positive,
  amount_too_large,
  routing_number_invalid,
  account_number_invalid,
  payee_name_empty,  // nothing is left after mapping the name to bank characters
};

struct EntryIssue {
  std::size_t entry_index = 0;
  std::string reference;
  EntryProblem problem = EntryProblem::reference_empty;
};

std::string_view describe(EntryProblem problem);

// Checks every entry and returns every problem found, in entry order.
std::vector<EntryIssue> validate_entries(std::span<const CreditEntry> entries);

// Everything in a file besides the entries: agreed with the bank, or chosen per batch. Dates
// and times are parameters, never read from a clock, so that producing a batch's file again
// yields the same bytes.
struct FileSettings {
  std::string immediate_destination_routing;  // 9 digits: the bank that receives the file
  std::string immediate_destination_name;     // at most 23
  std::string immediate_origin;  // 10 characters as the bank assigned, or 9 digits (then " " first)
  std::string immediate_origin_name;  // at most 23
  std::chrono::year_month_day file_creation_date{};
  std::chrono::minutes file_creation_time{0};        // after midnight, below 24 hours
  char file_id_modifier = 'A';                       // A–Z or 0–9
  std::string reference_code;                        // at most 8, may be empty
  std::string company_name;                          // at most 16
  std::string company_discretionary_data;            // at most 20, may be empty
  std::string company_identification;                // 1–10, usually "1" + the EIN
  std::string company_entry_description = "REFUND";  // at most 10; shown on statements
  std::string company_descriptive_date;              // at most 6, may be empty
  std::chrono::year_month_day effective_entry_date{};
  std::string originating_dfi_identification;  // the first 8 digits of our bank's routing number
  std::int64_t batch_number = 1;               // the first batch's number, 1–9,999,999
  std::int64_t first_trace_sequence = 1;       // the first entry's 7-digit trace sequence
  // Entries are split into consecutive batches of at most this many, numbered on from
  // batch_number; trace sequences run on across batches. 1 to 999,999.
  std::size_t batch_entry_limit = max_entries_per_batch;
};

// The trace number the writer gave an entry, so that returns can be matched to payments.
struct AssignedTrace {
  std::string reference;
  std::string trace_number;  // 15 digits
};

struct WriteSummary {
  std::vector<AssignedTrace> traces;  // in entry order
  std::size_t entry_count = 0;
  std::size_t batch_count = 0;
  domain::Money total_credit;
  std::uint64_t entry_hash = 0;
  std::size_t block_count = 0;
  std::size_t record_count = 0;  // including the nines that fill the last block
};

// Writes a PPD credit file. Validates the settings and every entry first and throws
// InvalidInput, writing nothing, if anything is wrong, if there are no entries or more than
// max_entries_per_file, or if the trace sequences, batch numbers or totals would overflow their
// fields.
WriteSummary write_ppd_credit_file(std::ostream& output, const FileSettings& settings,
                                   std::span<const CreditEntry> entries);

// ---- Reading ----

struct FileHeader {
  std::string priority_code;
  std::string immediate_destination;  // as written, 10 characters
  std::string immediate_origin;       // as written, 10 characters
  std::string file_creation_date;     // YYMMDD
  std::string file_creation_time;     // HHMM
  char file_id_modifier = ' ';
  std::string immediate_destination_name;
  std::string immediate_origin_name;
  std::string reference_code;
};

struct BatchHeader {
  std::size_t record_number = 0;
  int service_class_code = 0;
  std::string company_name;
  std::string company_discretionary_data;
  std::string company_identification;
  std::string standard_entry_class;  // PPD, COR, …
  std::string company_entry_description;
  std::string company_descriptive_date;
  std::string effective_entry_date;  // YYMMDD
  std::string settlement_date;       // Julian day, or blank
  char originator_status_code = ' ';
  std::string originating_dfi_identification;
  std::int64_t batch_number = 0;
};

// Addenda type 99: the entry is a return of an earlier entry.
struct ReturnAddenda {
  std::string return_reason_code;     // "R01"
  std::string original_trace_number;  // the trace of the entry we sent
  std::string date_of_death;          // YYMMDD, for R14 and R15
  std::string original_receiving_dfi;
  std::string addenda_information;
  std::string trace_number;
};

// Addenda type 98: a notification of change for an earlier entry.
struct ChangeAddenda {
  std::string change_code;  // "C01"
  std::string original_trace_number;
  std::string original_receiving_dfi;
  std::string corrected_data;  // 29 characters, as written
  std::string trace_number;
};

struct EntryDetail {
  std::size_t record_number = 0;
  int transaction_code = 0;
  std::string receiving_dfi_identification;  // 8 digits
  char check_digit = '0';
  std::string dfi_account_number;  // spaces trimmed
  domain::Money amount;
  std::string individual_identification;  // spaces trimmed
  std::string individual_name;            // spaces trimmed
  std::string discretionary_data;
  bool has_addenda = false;
  std::string trace_number;
  std::vector<std::string> payment_information;  // the text of addenda type 05
  std::optional<ReturnAddenda> return_addenda;
  std::optional<ChangeAddenda> change_addenda;
  std::size_t addenda_count = 0;

  // The receiving DFI id and its check digit.
  std::string routing_number() const;
  // Transaction codes ending in 0–4 move money to the receiver; 5–9 take it.
  bool is_credit() const;
};

struct BatchControl {
  std::size_t record_number = 0;
  int service_class_code = 0;
  std::uint64_t entry_addenda_count = 0;
  std::uint64_t entry_hash = 0;
  domain::Money total_debit;
  domain::Money total_credit;
  std::string company_identification;
  std::string originating_dfi_identification;
  std::int64_t batch_number = 0;
};

struct FileControl {
  std::size_t record_number = 0;
  std::uint64_t batch_count = 0;
  std::uint64_t block_count = 0;
  std::uint64_t entry_addenda_count = 0;
  std::uint64_t entry_hash = 0;
  domain::Money total_debit;
  domain::Money total_credit;
};

struct Batch {
  BatchHeader header;
  std::vector<EntryDetail> entries;
  std::optional<BatchControl> control;
};

// What is wrong with a record or with the file's structure or totals.
enum class RecordProblem {
  line_too_long,        // a line far longer than any file of records
  wrong_length,         // not 94 characters
  non_ascii_character,  // a byte outside printable ASCII
  unknown_record_type,  // the first character is not 1, 5, 6, 7, 8 or 9
  bad_field,            // a numeric field that is not numeric, or a malformed code
  missing_file_header,
  record_out_of_order,  // such as a second file header, or an entry outside a batch
  addenda_without_entry,
  addenda_not_announced,  // an addenda after an entry whose addenda indicator is 0
  unsupported_addenda_type,
  unknown_return_code,  // not R01–R85
  unknown_change_code,  // not C01–C13
  bad_transaction_code,
  unclosed_batch,  // a batch without its control record
  batch_service_class_mismatch,
  batch_number_mismatch,
  batch_entry_count_mismatch,
  batch_entry_hash_mismatch,
  batch_debit_total_mismatch,
  batch_credit_total_mismatch,
  missing_file_control,
  record_after_file_control,
  file_batch_count_mismatch,
  file_block_count_mismatch,
  file_entry_count_mismatch,
  file_entry_hash_mismatch,
  file_debit_total_mismatch,
  file_credit_total_mismatch,
  incomplete_block,  // the record count, fill included, is not a multiple of 10
  too_many_records,  // the file exceeds the record limit; the rest was not read
};

std::string_view describe(RecordProblem problem);

struct Problem {
  std::size_t record_number = 0;  // counted from 1; the last record for end-of-file problems
  RecordProblem problem = RecordProblem::wrong_length;
};

struct ParsedFile {
  std::optional<FileHeader> header;
  std::vector<Batch> batches;
  std::optional<FileControl> control;
  std::vector<Problem> problems;
  std::size_t record_count = 0;  // fill records included
  bool ok() const { return problems.empty(); }
};

inline constexpr std::size_t default_max_records = 10'000'000;

// Reads a NACHA file. Never throws for bad content and never crashes on junk.
ParsedFile read_file(std::istream& input, std::size_t max_records = default_max_records);

// An entry returned by the receiving bank (addenda 99).
struct ReturnNotice {
  std::size_t record_number = 0;
  std::string return_reason_code;  // "R01" … "R85"
  std::string original_trace_number;
  std::string original_receiving_dfi;
  std::string individual_identification;  // our reference, as we sent it
  domain::Money amount;
  int transaction_code = 0;
  std::string date_of_death;
  std::string addenda_information;
};

// The fields a notification of change corrects, decoded from the corrected data by change
// code: C01 account; C02 routing; C03 routing and account; C04 name; C05 transaction code;
// C06 account and transaction code; C07 routing, account and transaction code; C09 individual
// id. Other codes leave them empty; the raw text is always in ChangeNotice::corrected_data.
struct CorrectedFields {
  std::string routing_number;
  std::string account_number;
  std::optional<int> transaction_code;
  std::string individual_name;
  std::string individual_identification;
};

// A notification of change (addenda 98).
struct ChangeNotice {
  std::size_t record_number = 0;
  std::string change_code;  // "C01" … "C13"
  std::string original_trace_number;
  std::string original_receiving_dfi;
  std::string individual_identification;
  std::string corrected_data;  // trailing spaces trimmed
  CorrectedFields corrected;
};

std::vector<ReturnNotice> collect_returns(const ParsedFile& file);
std::vector<ChangeNotice> collect_changes(const ParsedFile& file);

// Decodes the corrected data of one change code.
CorrectedFields decode_corrected_data(std::string_view change_code,
                                      std::string_view corrected_data);

}  // namespace disburse::formats::nacha
