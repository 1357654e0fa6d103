#include "disburse/app/provider_files.hpp"

#include <sstream>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/formats/checks.hpp"
#include "disburse/formats/nacha.hpp"
#include "disburse/formats/paypal.hpp"

namespace disburse::app {

namespace {

namespace nacha = formats::nacha;
namespace paypal = formats::paypal;
namespace checks = formats::checks;

std::string payee_name(const pg::PayablePayment& payment) {
  if (payment.first_name.empty()) return payment.last_name;
  if (payment.last_name.empty()) return payment.first_name;
  return payment.first_name + " " + payment.last_name;
}

domain::BatchFile make_file(int part, std::string file_name, std::string content_type,
                            std::string content) {
  std::string sha256 = security::sha256_hex(content);
  return {part, std::move(file_name), std::move(content_type), std::move(content),
          std::move(sha256)};
}

std::string batch_stem(const domain::Batch& batch) {
  return "program-" + std::to_string(batch.program_id) + "-batch-" + std::to_string(batch.id);
}

// The ACH file id modifier of the n-th file of a day: A–Z, then 0–9.
char file_id_modifier(std::int64_t files_earlier_that_day) {
  constexpr std::string_view modifiers = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  if (files_earlier_that_day >= static_cast<std::int64_t>(modifiers.size())) {
    throw Conflict("36 ACH files were already produced today, the most one originator may send "
                   "in a day; produce this one tomorrow");
  }
  return modifiers[static_cast<std::size_t>(files_earlier_that_day)];
}

nacha::FileSettings ach_settings(const domain::Batch& batch, const PayoutSettings& settings,
                                 const AchFileInputs& inputs) {
  nacha::FileSettings file;
  file.immediate_destination_routing = settings.ach_destination_routing;
  file.immediate_destination_name = settings.ach_destination_name;
  file.immediate_origin = settings.ach_origin;
  file.immediate_origin_name = settings.ach_origin_name;
  file.file_creation_date = inputs.creation_date;
  file.file_creation_time = inputs.creation_time;
  file.file_id_modifier = file_id_modifier(inputs.files_earlier_that_day);
  file.reference_code = "B" + std::to_string(batch.id % 10'000'000);
  file.company_name = settings.ach_company_name;
  file.company_discretionary_data = "BATCH " + std::to_string(batch.id);
  file.company_identification = settings.ach_company_id;
  file.company_entry_description = settings.ach_entry_description;
  file.effective_entry_date = inputs.effective_date;
  file.originating_dfi_identification = settings.ach_odfi_routing.substr(0, 8);
  file.batch_number = 1;
  file.first_trace_sequence = inputs.entries_earlier_that_day + 1;
  return file;
}

std::vector<nacha::CreditEntry> ach_entries(const std::vector<pg::PayablePayment>& payments,
                                            const security::SecretBox& secrets) {
  std::vector<nacha::CreditEntry> entries;
  entries.reserve(payments.size());
  for (const pg::PayablePayment& payment : payments) {
    nacha::CreditEntry entry;
    entry.reference = payment.reference;
    entry.amount = payment.amount;
    entry.payee_name = payee_name(payment);
    entry.routing_number = secrets.open_hex(payment.bank_routing_sealed);
    entry.account_number = secrets.open_hex(payment.bank_account_sealed);
    entry.account_type = payment.bank_account_type == "savings" ? nacha::AccountType::savings
                                                                 : nacha::AccountType::checking;
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

std::string paypal_sender_batch_id(const domain::Batch& batch) {
  return "DISBURSE-P" + std::to_string(batch.program_id) + "-B" + std::to_string(batch.id);
}

std::vector<domain::BatchFile> paypal_files(const domain::Batch& batch,
                                            std::vector<pg::PayablePayment> payments,
                                            const PayoutSettings& settings) {
  std::vector<paypal::PayoutItem> items;
  items.reserve(payments.size());
  for (pg::PayablePayment& payment : payments) {
    items.push_back({std::move(payment.reference), std::move(payment.email), payment.amount,
                     batch.currency, settings.paypal_note});
  }
  payments = {};
  // Each part validates only its own items: duplicates across parts are caught here.
  if (const auto issues = paypal::validate_items(items); !issues.empty()) {
    throw InvalidInput("PayPal payouts file: payment " + issues.front().reference + " " +
                       std::string(paypal::describe(issues.front().problem)) + " (" +
                       std::to_string(issues.size()) + " problem(s) in the batch)");
  }
  std::vector<domain::BatchFile> files;
  const auto parts = paypal::plan_parts(items, paypal_sender_batch_id(batch),
                                        static_cast<std::size_t>(settings.paypal_items_per_file));
  for (const paypal::FilePart& part : parts) {
    std::ostringstream content;
    paypal::write_payouts_file(content, items, part);
    files.push_back(make_file(static_cast<int>(part.part_number), part.sender_batch_id + ".csv",
                              "text/csv; charset=utf-8", std::move(content).str()));
  }
  return files;
}

std::vector<domain::BatchFile> check_files(const domain::Batch& batch,
                                           const std::vector<pg::PayablePayment>& payments,
                                           const PayoutSettings& settings,
                                           std::chrono::year_month_day issue_date,
                                           int void_after_days) {
  std::vector<checks::CheckItem> items;
  items.reserve(payments.size());
  for (const pg::PayablePayment& payment : payments) {
    DISBURSE_ASSERT(payment.check_number > 0);
    items.push_back({payment.check_number, payment.reference, payee_name(payment),
                     payment.address1, payment.address2, payment.city, payment.state,
                     payment.postal_code, payment.amount});
  }
  std::ostringstream register_content;
  checks::write_check_register(register_content, items, issue_date, void_after_days);
  std::ostringstream positive_pay;
  checks::write_positive_pay(positive_pay, settings.positive_pay_account,
                             checks::issue_records(items, issue_date));
  const std::string stem = batch_stem(batch);
  return {make_file(1, stem + "-check-register.csv", "text/csv; charset=utf-8",
                    std::move(register_content).str()),
          make_file(2, stem + "-positive-pay.txt", "text/plain; charset=us-ascii",
                    std::move(positive_pay).str())};
}

AchFile ach_file(const domain::Batch& batch, const std::vector<pg::PayablePayment>& payments,
                 const PayoutSettings& settings, const AchFileInputs& inputs,
                 const security::SecretBox& secrets) {
  const std::vector<nacha::CreditEntry> entries = ach_entries(payments, secrets);
  std::ostringstream content;
  const nacha::WriteSummary summary =
      nacha::write_ppd_credit_file(content, ach_settings(batch, settings, inputs), entries);
  DISBURSE_ASSERT(summary.total_credit == batch.total);
  AchFile file{make_file(1, batch_stem(batch) + ".ach", "text/plain; charset=us-ascii",
                         std::move(content).str()),
               {},
               {}};
  file.references.reserve(summary.traces.size());
  file.trace_numbers.reserve(summary.traces.size());
  for (const nacha::AssignedTrace& trace : summary.traces) {
    file.references.push_back(trace.reference);
    file.trace_numbers.push_back(trace.trace_number);
  }
  return file;
}

}  // namespace disburse::app
