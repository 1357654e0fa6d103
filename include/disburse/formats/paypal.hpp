#pragma once
// PayPal Payouts files: the payouts file we send and the item results file we reconcile.
//
// Payouts file, layout `api_csv` (the default). RFC 4180 CSV, UTF-8, CRLF line ends, one header
// row and one row per item. It carries exactly the fields of the Payouts API's create-payout
// request (a sender_batch_header plus items), so a submitter can post it as is or convert it
// to the API's JSON one row per item:
//
//   sender_batch_id,recipient_type,receiver,amount,currency,sender_item_id,note
//   B42-p1,EMAIL,alice@example.com,47.85,USD,P1-R1-12345-A1,Ring refund
//
//   sender_batch_id  our batch id plus the part suffix "-p1", "-p2"…; the same on every row
//   recipient_type   always EMAIL
//   receiver         the recipient's email address
//   amount           decimal dollars with two decimals, never negative, no thousands commas
//   currency         ISO 4217 code, one currency per file
//   sender_item_id   the payment's reference (idempotency key), at most 30 characters
//   note             the note to the recipient, free text; formulas are neutralised
// At most 15,000 items per file, the Payouts API's limit per request.
//
// Payouts file, layout `payouts_web`. PayPal's Payouts Web upload: no header row, one row per
// item with the columns recipient, amount, currency, customer id (our reference), note and
// wallet ("PAYPAL"). At most 5,000 items per file. That format has no batch id column, so the
// part's sender_batch_id goes into the file name (see `payouts_web_file_name`).
//
// Results file (issue 6). RFC 4180 CSV with one header row; the column names are matched
// case-insensitively and may come in any order; other columns are ignored:
//   sender_item_id      our reference; matched to the payment
//   payout_item_id      PayPal's id for the item
//   transaction_status  SUCCESS, UNCLAIMED, RETURNED, FAILED, BLOCKED, REFUNDED, REVERSED,
//                       ONHOLD or PENDING (any letter case)
//   amount              the item's amount, decimal, two decimals at most, not negative
//   currency            three letters
//   time                when PayPal processed the item, kept as text (may be empty)
// Every data line becomes either a ResultLine or a ResultLineProblem; the reader never stops
// at a bad line and never throws for one.

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

namespace disburse::formats::paypal {

inline constexpr std::size_t api_max_items_per_file = 15'000;
inline constexpr std::size_t web_max_items_per_file = 5'000;
inline constexpr std::size_t max_reference_length = 30;
inline constexpr std::size_t max_sender_batch_id_length = 100;
inline constexpr std::size_t max_note_length = 1'000;
inline constexpr std::size_t max_email_length = 254;

enum class FileLayout { api_csv, payouts_web };

// One payment to send.
struct PayoutItem {
  std::string reference;  // sender_item_id: letters, digits, '-' and '_', at most 30
  std::string receiver_email;
  domain::Money amount;
  std::string currency;  // "USD"
  std::string note;
};

// Why an item cannot go into a payouts file.
enum class ItemProblem {
  reference_empty,
  reference_too_long,
  reference_bad_character,
  reference_duplicate,
  email_invalid,
  amount_not_positive,
  currency_invalid,
  currency_differs_from_first_item,
  note_too_long,
};

struct ItemIssue {
  std::size_t item_index = 0;
  std::string reference;
  ItemProblem problem = ItemProblem::reference_empty;
};

std::string_view describe(ItemProblem problem);

// Checks every item and returns every problem found, in item order.
std::vector<ItemIssue> validate_items(std::span<const PayoutItem> items);

// A plausible email address for PayPal: one '@', a non-empty local part and a dotted domain,
// printable ASCII without spaces or quotes, at most 254 characters, and not starting with a
// character a spreadsheet would read as a formula.
bool is_valid_email(std::string_view email);

// One file of a batch that is split because it exceeds the per-file item limit.
struct FilePart {
  std::string sender_batch_id;  // the batch's id plus "-p<part_number>"
  std::size_t part_number = 0;  // counted from 1
  std::size_t part_count = 0;
  std::size_t first_item_index = 0;
  std::size_t item_count = 0;
  domain::Money total;
};

// Splits `items` into consecutive parts of at most `max_items_per_file` items, in input order:
// part k holds items [(k-1)·max, k·max). The result depends only on its inputs, so producing
// a batch's files again yields the same parts. A batch that fits in one file is one part,
// still suffixed "-p1", so that every sender_batch_id has one shape. Throws InvalidInput for
// an empty batch, a malformed batch id or a limit of 0 or above the API's 15,000.
std::vector<FilePart> plan_parts(std::span<const PayoutItem> items,
                                 std::string_view batch_sender_id,
                                 std::size_t max_items_per_file = api_max_items_per_file);

// Writes one payouts file holding `part`'s items in `layout`. Validates the part's items first
// and throws InvalidInput, writing nothing, if any is invalid or the part exceeds the layout's
// limit. Each file checks only its own items, so call validate_items on the whole batch before
// producing its parts: duplicates and currencies across parts are caught only there.
void write_payouts_file(std::ostream& output, std::span<const PayoutItem> items,
                        const FilePart& part, FileLayout layout = FileLayout::api_csv);

// "<sender_batch_id>.csv": the name under which a Payouts Web part is uploaded and archived.
std::string payouts_web_file_name(const FilePart& part);

enum class TransactionStatus {
  success,
  unclaimed,
  returned,
  failed,
  blocked,
  refunded,
  reversed,
  onhold,
  pending,
};

// Parses a status name in any letter case; nothing for an unknown name.
std::optional<TransactionStatus> parse_transaction_status(std::string_view text);

// The status as PayPal spells it, such as "SUCCESS".
std::string_view to_string(TransactionStatus status);

// One well-formed result line.
struct ResultLine {
  std::size_t line_number = 0;   // physical line in the file, the header being line 1
  std::string reference;         // sender_item_id
  std::string provider_item_id;  // payout_item_id
  TransactionStatus status = TransactionStatus::pending;
  domain::Money amount;
  std::string currency;
  std::string time_text;
};

// Why a result line was not accepted.
enum class ResultLineError {
  line_too_long,
  malformed,          // broken quoting
  wrong_field_count,  // not as many fields as the header
  reference_missing,
  reference_too_long,
  unknown_status,
  bad_amount,
  bad_currency,
  too_many_lines,  // the file exceeds the line limit; the rest was not read
};

struct ResultLineProblem {
  std::size_t line_number = 0;
  ResultLineError error = ResultLineError::malformed;
  domain::MoneyParseError amount_error = domain::MoneyParseError::none;  // for bad_amount
  std::string value;  // the offending value, cut to 40 characters, or empty
};

std::string_view describe(ResultLineError error);

// Why a results file as a whole was refused; its lines are then not read.
enum class ResultHeaderError { none, empty_file, malformed, missing_column, duplicate_column };

struct ResultsFile {
  ResultHeaderError header_error = ResultHeaderError::none;
  std::string header_column;  // the missing or duplicated column, for the header error
  std::vector<ResultLine> lines;
  std::vector<ResultLineProblem> problems;
};

inline constexpr std::size_t default_max_result_lines = 2'000'000;
inline constexpr std::size_t max_result_line_length = 4'096;

// Reads a results file. Never throws for bad content and never stops at a bad line.
ResultsFile read_results(std::istream& input, std::size_t max_lines = default_max_result_lines);

}  // namespace disburse::formats::paypal
