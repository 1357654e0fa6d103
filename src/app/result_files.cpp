#include "result_files.hpp"

#include <algorithm>
#include <sstream>

#include "disburse/domain/errors.hpp"
#include "disburse/formats/checks.hpp"
#include "disburse/formats/paypal.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

namespace {

namespace paypal = formats::paypal;
namespace nacha = formats::nacha;
namespace checks = formats::checks;

// What a line says, hashed: the same statement in any later file is the same fingerprint.
std::string fingerprint_of(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) text += part + '\x1f';
  return security::sha256_hex(text);
}

ResultFileLine malformed_line(std::size_t line_number, std::string_view why,
                              const std::string& value) {
  ResultFileLine line;
  line.line_number = static_cast<std::int64_t>(line_number);
  line.malformed = std::string(why) + (value.empty() ? "" : ": " + value);
  line.fingerprint = fingerprint_of({"malformed", std::to_string(line_number), line.malformed});
  return line;
}

std::string header_problem(std::string_view what, const std::string& column) {
  return "the results file's header is " + std::string(what) +
         (column.empty() ? "" : " (column " + column + ")");
}

ResultFile read_paypal(const std::string& content) {
  std::istringstream input(content);
  const paypal::ResultsFile file = paypal::read_results(input);
  switch (file.header_error) {
    case paypal::ResultHeaderError::none:
      break;
    case paypal::ResultHeaderError::empty_file:
      throw InvalidInput("the results file is empty");
    case paypal::ResultHeaderError::malformed:
      throw InvalidInput(header_problem("malformed", ""));
    case paypal::ResultHeaderError::missing_column:
      throw InvalidInput(header_problem("missing a column", file.header_column));
    case paypal::ResultHeaderError::duplicate_column:
      throw InvalidInput(header_problem("repeating a column", file.header_column));
  }
  ResultFile result{"paypal_results", {}};
  for (const paypal::ResultLine& source : file.lines) {
    ResultFileLine line;
    line.line_number = static_cast<std::int64_t>(source.line_number);
    line.reference = source.reference;
    line.reported_status = std::string(paypal::to_string(source.status));
    line.outcome = domain::map_paypal_status(line.reported_status);
    line.amount = source.amount;
    line.currency = source.currency;
    line.fingerprint =
        fingerprint_of({"paypal", source.reference, source.provider_item_id, line.reported_status,
                        std::to_string(source.amount.cents()), source.currency, source.time_text});
    result.lines.push_back(std::move(line));
  }
  for (const paypal::ResultLineProblem& problem : file.problems) {
    result.lines.push_back(
        malformed_line(problem.line_number, paypal::describe(problem.error), problem.value));
  }
  return result;
}

ResultFile read_checks(const std::string& content, const std::string& currency) {
  std::istringstream input(content);
  const checks::PaidChecksFile file = checks::read_paid_checks(input);
  if (file.header_error != checks::PaidChecksHeaderError::none) {
    throw InvalidInput(header_problem(
        file.header_error == checks::PaidChecksHeaderError::missing_column ? "missing a column"
                                                                           : "repeating a column",
        file.header_column));
  }
  ResultFile result{"paid_checks", {}};
  for (const checks::PaidCheckLine& source : file.lines) {
    ResultFileLine line;
    line.line_number = static_cast<std::int64_t>(source.line_number);
    line.key = MatchKey::check_number;
    line.check_number = source.check_number;
    line.reference = std::to_string(source.check_number);
    line.reported_status = std::string(checks::to_string(source.status));
    line.outcome = domain::map_check_status(line.reported_status);
    line.amount = source.amount;
    line.currency = currency;
    line.fingerprint = fingerprint_of({"check", line.reference, line.reported_status,
                                       std::to_string(source.amount.cents()),
                                       checks::to_iso_date(source.paid_date)});
    result.lines.push_back(std::move(line));
  }
  for (const checks::PaidCheckProblem& problem : file.problems) {
    result.lines.push_back(
        malformed_line(problem.line_number, checks::describe(problem.error), problem.value));
  }
  return result;
}

ResultFileLine return_line(const nacha::ReturnNotice& notice, const std::string& currency) {
  ResultFileLine line;
  line.line_number = static_cast<std::int64_t>(notice.record_number);
  line.key = MatchKey::trace_number;
  line.reference = notice.individual_identification;
  line.trace_number = notice.original_trace_number;
  line.reported_status = notice.return_reason_code;
  line.outcome = domain::map_ach_return_code(notice.return_reason_code);
  line.amount = notice.amount;
  line.currency = currency;
  line.fingerprint =
      fingerprint_of({"ach_return", notice.original_trace_number, notice.individual_identification,
                      notice.return_reason_code, std::to_string(notice.amount.cents())});
  return line;
}

ResultFileLine change_line(const nacha::ChangeNotice& notice) {
  ResultFileLine line;
  line.line_number = static_cast<std::int64_t>(notice.record_number);
  line.key = MatchKey::trace_number;
  line.reference = notice.individual_identification;
  line.trace_number = notice.original_trace_number;
  line.reported_status = notice.change_code;
  line.correction = notice.corrected;
  line.fingerprint =
      fingerprint_of({"ach_change", notice.original_trace_number, notice.individual_identification,
                      notice.change_code, notice.corrected_data});
  return line;
}

ResultFile read_nacha(const std::string& content, const std::string& currency) {
  std::istringstream input(content);
  const nacha::ParsedFile file = nacha::read_file(input);
  if (!file.ok()) {
    const nacha::Problem& first = file.problems.front();
    throw InvalidInput("the NACHA file does not check out (record " +
                       std::to_string(first.record_number) + ": " +
                       std::string(nacha::describe(first.problem)) + ")");
  }
  ResultFile result{"nacha_returns", {}};
  for (const nacha::ReturnNotice& notice : nacha::collect_returns(file)) {
    result.lines.push_back(return_line(notice, currency));
  }
  for (const nacha::ChangeNotice& notice : nacha::collect_changes(file)) {
    result.lines.push_back(change_line(notice));
  }
  if (result.lines.empty()) {
    throw InvalidInput(
        "the NACHA file holds no returns (addenda 99) and no notifications of "
        "change (addenda 98): is it the file we sent?");
  }
  return result;
}

}  // namespace

ResultFile read_result_file(domain::PaymentMethod method, const std::string& content,
                            const std::string& program_currency) {
  ResultFile file;
  switch (method) {
    case domain::PaymentMethod::paypal:
      file = read_paypal(content);
      break;
    case domain::PaymentMethod::check:
      file = read_checks(content, program_currency);
      break;
    case domain::PaymentMethod::ach:
      file = read_nacha(content, program_currency);
      break;
  }
  if (file.lines.empty()) throw InvalidInput("the results file holds no lines");
  std::stable_sort(file.lines.begin(), file.lines.end(),
                   [](const ResultFileLine& left, const ResultFileLine& right) {
                     return left.line_number < right.line_number;
                   });
  return file;
}

}  // namespace disburse::app
