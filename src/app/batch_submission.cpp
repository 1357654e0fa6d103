// Producing a batch's provider files: the one moment money leaves the building, so it happens
// exactly once, in one transaction with the payments' and the batch's state and the ledger.

#include "disburse/app/batches.hpp"
#include "disburse/app/provider_files.hpp"
#include "disburse/domain/assert.hpp"
#include "disburse/domain/business_day.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/batches_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

namespace {

using domain::BatchState;
using domain::PaymentState;

struct Submission {
  const Actor& actor;
  const PayoutSettings& settings;
  const security::SecretBox& secrets;
  const FileOptions& options;
  const domain::Program& program;
  const domain::Batch& batch;
};

std::vector<domain::BatchFile> stored_files(pg::Transaction& transaction, std::int64_t batch_id,
                                            const security::SecretBox& secrets) {
  std::vector<domain::BatchFile> files;
  for (pg::StoredBatchFile& stored : pg::batch_files(transaction, batch_id)) {
    if (stored.sealed) stored.file.content = secrets.open_hex(stored.file.content);
    files.push_back(std::move(stored.file));
  }
  // A submitted batch always has its files: they were stored in the submitting transaction.
  DISBURSE_ASSERT(!files.empty());
  return files;
}

// What submitting does to a batched payment, from the one transition function.
PaymentState submitted_state() {
  const domain::PaymentTransition transition =
      domain::transition(PaymentState::batched, domain::PaymentEvent::submit);
  DISBURSE_ASSERT(transition.ok());
  return transition.next;
}

// The payments move to submitted in the statement that reads them for the file: one pass over
// the rows instead of two. A file that cannot be written throws, and the move rolls back.
std::vector<pg::PayablePayment> submit_payments(pg::Transaction& transaction,
                                                const Submission& submission) {
  const domain::Batch& batch = submission.batch;
  std::vector<pg::PayablePayment> payments = pg::submit_batch_payments(
      transaction, batch.id,
      {PaymentState::batched, submitted_state(), submission.actor.name,
       "batch " + std::to_string(batch.id) + " file produced"});
  // An approved batch holds exactly the payments it was created with.
  domain::Money total;
  for (const pg::PayablePayment& payment : payments) total += payment.amount;
  DISBURSE_ASSERT(static_cast<std::int64_t>(payments.size()) == batch.items);
  DISBURSE_ASSERT(total == batch.total);
  return payments;
}

std::chrono::year_month_day ach_effective_date(const Submission& submission,
                                               const pg::DatabaseClock& clock) {
  const std::chrono::year_month_day effective =
      submission.options.effective_date.value_or(domain::next_business_day(clock.date_utc));
  if (std::chrono::sys_days(effective) < std::chrono::sys_days(clock.date_utc)) {
    throw InvalidInput("the effective date lies in the past");
  }
  return effective;
}

std::vector<domain::BatchFile> write_ach(pg::Transaction& transaction,
                                         const Submission& submission,
                                         const pg::DatabaseClock& clock) {
  const std::chrono::year_month_day effective = ach_effective_date(submission, clock);
  const auto payments = submit_payments(transaction, submission);
  const pg::AchDay day = pg::lock_ach_day(transaction, clock.date_utc);
  const AchFile file = ach_file(submission.batch, payments, submission.settings,
                                {clock.date_utc, clock.time_of_day_utc, effective, day.files,
                                 day.entries},
                                submission.secrets);
  pg::store_trace_numbers(transaction, submission.batch.id, file.references, file.trace_numbers);
  return {file.file};
}

// Moves the payments to submitted and writes their files.
std::vector<domain::BatchFile> submit_and_write_files(pg::Transaction& transaction,
                                                      const Submission& submission) {
  const pg::DatabaseClock clock = pg::database_clock(transaction);
  const domain::Batch& batch = submission.batch;
  switch (batch.method) {
    case domain::PaymentMethod::paypal:
      return paypal_files(batch, submit_payments(transaction, submission), submission.settings);
    case domain::PaymentMethod::check:
      // Numbers are given before the file is written and roll back with it.
      pg::assign_check_numbers(transaction, batch.id);
      return check_files(batch, submit_payments(transaction, submission), submission.settings,
                         submission.options.issue_date.value_or(clock.date_utc),
                         submission.program.settings.check_window_days);
    case domain::PaymentMethod::ach:
      return write_ach(transaction, submission, clock);
  }
  DISBURSE_ASSERT(false);
  return {};
}

void store_files(pg::Transaction& transaction, const Submission& submission,
                 const std::vector<domain::BatchFile>& files) {
  // An ACH file holds plain bank account numbers: it is stored sealed, like their source.
  const bool sealed = submission.batch.method == domain::PaymentMethod::ach;
  for (const domain::BatchFile& file : files) {
    pg::insert_batch_file(transaction, submission.batch.id, file,
                          sealed ? submission.secrets.seal_hex(file.content) : file.content,
                          sealed);
  }
}

// The ledger and the batch follow the payments, after the files are stored.
void book_submission(pg::Transaction& transaction, const Submission& submission,
                     BatchState batch_next) {
  const domain::Batch& batch = submission.batch;
  const auto entry =
      domain::ledger::entry_for_transition(PaymentState::batched, submitted_state(), batch.total);
  DISBURSE_ASSERT(entry.has_value());
  pg::post_entry(transaction,
                 {batch.program_id, submission.actor.name,
                  "batch " + std::to_string(batch.id) + " submitted", 0, batch.id, 0},
                 *entry);
  pg::record_batch_state(transaction, batch.id, batch.state, batch_next);
}

void audit_submission(pg::Transaction& transaction, const Submission& submission,
                      const std::vector<domain::BatchFile>& files) {
  const domain::Batch& batch = submission.batch;
  nlohmann::json parts = nlohmann::json::array();
  for (const domain::BatchFile& file : files) {
    parts.push_back({{"part", file.part}, {"file_name", file.file_name}, {"sha256", file.sha256}});
  }
  const nlohmann::json details = {{"batch_id", batch.id},
                                  {"method", domain::to_string(batch.method)},
                                  {"items", batch.items},
                                  {"total_cents", batch.total.cents()},
                                  {"files", parts}};
  pg::append_audit(transaction, {submission.actor.name, "batch.submit", "batch",
                                 std::to_string(batch.id), batch.program_id, details.dump()});
}

BatchFiles produce_in(pg::Transaction& transaction, const Actor& actor,
                      const PayoutSettings& settings, const security::SecretBox& secrets,
                      std::int64_t batch_id, const FileOptions& options) {
  const auto unlocked = pg::find_batch(transaction, batch_id);
  if (!unlocked) throw NotFound("no batch " + std::to_string(batch_id));
  // The program first, like every money-moving use case, then the batch.
  const auto program = pg::lock_program(transaction, unlocked->program_id);
  DISBURSE_ASSERT(program.has_value());
  const auto batch = pg::lock_batch(transaction, batch_id);
  DISBURSE_ASSERT(batch.has_value());
  if (batch->state == BatchState::submitted || batch->state == BatchState::reconciled) {
    return {*batch, stored_files(transaction, batch_id, secrets), false};
  }
  const domain::BatchTransition transition =
      domain::transition(batch->state, domain::BatchEvent::submit);
  if (!transition.ok()) {
    throw Conflict("batch " + std::to_string(batch_id) + " is " +
                   std::string(domain::to_string(batch->state)) +
                   ": only an approved batch has a file (a second user approves the draft)");
  }
  const auto status = domain::parse_program_state(program->status);
  DISBURSE_ASSERT(status.has_value());
  if (!domain::money_may_move(*status)) {
    throw Conflict("program " + std::to_string(program->id) + " is " + program->status +
                   ": no money moves any more");
  }
  const Submission submission{actor, settings, secrets, options, *program, *batch};
  std::vector<domain::BatchFile> files = submit_and_write_files(transaction, submission);
  store_files(transaction, submission, files);
  book_submission(transaction, submission, transition.next);
  audit_submission(transaction, submission, files);
  return {*pg::find_batch(transaction, batch_id), std::move(files), true};
}

}  // namespace

BatchFiles produce_batch_files(pg::Database& database, const Actor& actor,
                               const PayoutSettings& settings, const security::SecretBox& secrets,
                               std::int64_t batch_id, const FileOptions& options) {
  require(actor, domain::Permission::manage_batches);
  return database.write([&](pg::Transaction& transaction) {
    return produce_in(transaction, actor, settings, secrets, batch_id, options);
  });
}

}  // namespace disburse::app
