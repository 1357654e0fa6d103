#pragma once
// Reads the three kinds of result file into one rail-neutral list of lines for reconciliation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/money.hpp"
#include "disburse/domain/payment_method.hpp"
#include "disburse/domain/reconciliation.hpp"
#include "disburse/formats/nacha.hpp"

namespace disburse::app {

// How a line names its payment.
enum class MatchKey { reference, trace_number, check_number };

struct ResultFileLine {
  std::int64_t line_number = 0;  // The file's line (or NACHA record) number.
  MatchKey key = MatchKey::reference;
  std::string reference;     // sender_item_id, the NACHA individual id, or the check number
  std::string trace_number;  // NACHA: the original entry's trace, tried before the reference
  std::int64_t check_number = 0;
  std::string reported_status;  // As the file says it: SUCCESS, R03, PAID…
  std::optional<domain::ReportedOutcome> outcome;
  std::optional<domain::Money> amount;
  std::string currency;  // The file's, or the program's for files without one.
  std::string fingerprint;
  std::string malformed;  // Non-empty: why the line could not be read; nothing else is set.
  // NACHA notifications of change: the corrected data (nothing else applies to them).
  std::optional<formats::nacha::CorrectedFields> correction;
};

struct ResultFile {
  std::string kind;  // paypal_results | nacha_returns | paid_checks
  std::vector<ResultFileLine> lines;
};

// The batch's method says which file to expect. Throws InvalidInput, naming the problem, for a
// file that cannot be read as a whole: a bad header, a NACHA file whose records or controls do
// not check out, or a file with no result lines at all.
ResultFile read_result_file(domain::PaymentMethod method, const std::string& content,
                            const std::string& program_currency);

}  // namespace disburse::app
