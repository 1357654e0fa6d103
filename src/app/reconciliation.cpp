// Reconciliation: one result file against the batch it answers, in one transaction.

#include "disburse/app/reconciliation.hpp"

#include <unordered_map>
#include <unordered_set>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/batch_state.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/formats/csv.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/batches_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"
#include "disburse/pg/reconciliation_repository.hpp"
#include "result_files.hpp"

namespace disburse::app {

namespace {

using domain::PaymentState;
using domain::ReconcileOutcome;

constexpr int report_page_size = 1000;

// The payments of the batch, findable by each key a result line may carry.
class PaymentIndex {
 public:
  explicit PaymentIndex(std::vector<pg::ReconcilablePayment> payments)
      : payments_(std::move(payments)) {
    for (std::size_t index = 0; index < payments_.size(); index++) {
      const pg::ReconcilablePayment& payment = payments_[index];
      by_reference_.emplace(payment.reference, index);
      if (!payment.trace_number.empty()) by_trace_.emplace(payment.trace_number, index);
      if (payment.check_number != 0) by_check_.emplace(payment.check_number, index);
    }
  }

  pg::ReconcilablePayment* find(const ResultFileLine& line) {
    switch (line.key) {
      case MatchKey::check_number:
        return at(by_check_, line.check_number);
      case MatchKey::trace_number:
        // The bank echoes our trace; the individual id is the fallback when it does not.
        if (auto* payment = at(by_trace_, line.trace_number)) return payment;
        return at(by_reference_, line.reference);
      case MatchKey::reference:
        return at(by_reference_, line.reference);
    }
    return nullptr;
  }

  bool all_settled() const {
    for (const auto& payment : payments_) {
      if (!domain::is_settled(payment.state)) return false;
    }
    return true;
  }

 private:
  template <typename Key>
  pg::ReconcilablePayment* at(const std::unordered_map<Key, std::size_t>& map, const Key& key) {
    const auto found = map.find(key);
    return found == map.end() ? nullptr : &payments_[found->second];
  }

  std::vector<pg::ReconcilablePayment> payments_;
  std::unordered_map<std::string, std::size_t> by_reference_;
  std::unordered_map<std::string, std::size_t> by_trace_;
  std::unordered_map<std::int64_t, std::size_t> by_check_;
};

// One reconciliation in progress.
struct Run {
  pg::Transaction& transaction;
  const Actor& actor;
  const security::SecretBox& secrets;
  const domain::Batch& batch;
  std::int64_t reconciliation_id = 0;
  PaymentIndex payments;
  std::unordered_set<std::string> applied_before;
  std::unordered_set<std::int64_t> seen_in_file;
  // Money moved, by transition: one ledger entry per (from, to) for the whole file.
  std::map<std::pair<PaymentState, PaymentState>, domain::Money> moved;
  std::map<std::string, std::int64_t> counts;
};

pg::ReconciliationLine stored_line(const ResultFileLine& line) {
  pg::ReconciliationLine stored;
  stored.line_number = line.line_number;
  stored.reference = line.reference;
  stored.reported_status = line.reported_status;
  stored.amount = line.amount;
  stored.currency = line.currency;
  stored.fingerprint = line.fingerprint;
  stored.detail = line.malformed;
  return stored;
}

void record(Run& run, const pg::ReconciliationLine& line) {
  pg::insert_line(run.transaction, run.reconciliation_id, run.batch.id, line);
  run.counts[line.outcome]++;
}

void apply(Run& run, pg::ReconcilablePayment& payment, domain::PaymentEvent event,
           pg::ReconciliationLine& stored) {
  const domain::PaymentTransition move = domain::transition(payment.state, event);
  DISBURSE_ASSERT(move.ok());
  const bool moved =
      pg::move_payment(run.transaction, payment.id, payment.state, move.next, run.actor.name,
                       "reconciliation " + std::to_string(run.reconciliation_id) + " line " +
                           std::to_string(stored.line_number) + ": " + stored.reported_status);
  // The batch's payments are locked for the whole transaction, so the state read is current.
  DISBURSE_ASSERT(moved);
  stored.from_state = std::string(domain::to_string(payment.state));
  stored.to_state = std::string(domain::to_string(move.next));
  run.moved[{payment.state, move.next}] += payment.amount;
  payment.state = move.next;
}

std::string sealed_or_empty(const security::SecretBox& secrets, const std::string& plain) {
  return plain.empty() ? std::string() : secrets.seal_hex(plain);
}

// A notification of change corrects the claimant's bank data for the reissue; it moves no money.
void apply_change(Run& run, const ResultFileLine& line, const pg::ReconcilablePayment* payment,
                  pg::ReconciliationLine& stored) {
  if (payment == nullptr) {
    stored.outcome = "unknown_reference";
    return;
  }
  if (run.applied_before.contains(line.fingerprint)) {
    stored.outcome = "already_applied";
    return;
  }
  std::string account_type;
  if (line.correction->transaction_code) {
    account_type = *line.correction->transaction_code / 10 == 3 ? "savings" : "checking";
  }
  const bool corrected = pg::correct_bank_data(
      run.transaction,
      {payment->claimant_id, sealed_or_empty(run.secrets, line.correction->routing_number),
       sealed_or_empty(run.secrets, line.correction->account_number), account_type});
  stored.outcome = corrected ? "change_applied" : "unchanged";
  // The same notice twice in one file is applied once, like across files.
  if (corrected) run.applied_before.insert(line.fingerprint);
  stored.detail = corrected ? "bank data corrected for a reissue" : "claimant data purged";
}

void decide_line(Run& run, const ResultFileLine& line) {
  pg::ReconciliationLine stored = stored_line(line);
  pg::ReconcilablePayment* payment = run.payments.find(line);
  if (payment != nullptr) stored.payment_id = payment->id;
  if (!line.malformed.empty()) {
    stored.outcome = "malformed";
  } else if (line.correction) {
    apply_change(run, line, payment, stored);
  } else {
    std::optional<domain::PaymentSnapshot> snapshot;
    if (payment != nullptr) {
      snapshot = domain::PaymentSnapshot{payment->state, payment->amount, payment->currency,
                                         payment->method};
    }
    const domain::ResultLine result{*line.outcome, *line.amount, line.currency,
                                    run.applied_before.contains(line.fingerprint),
                                    payment != nullptr && run.seen_in_file.contains(payment->id)};
    const domain::ReconcileDecision decision = domain::decide_reconciliation(snapshot, result);
    stored.outcome = std::string(domain::to_string(decision.outcome));
    if (payment != nullptr) run.seen_in_file.insert(payment->id);
    if (decision.event) apply(run, *payment, *decision.event, stored);
  }
  record(run, stored);
}

void post_ledger(Run& run) {
  for (const auto& [transition, amount] : run.moved) {
    const auto entry =
        domain::ledger::entry_for_transition(transition.first, transition.second, amount);
    if (!entry || amount.is_zero()) continue;
    pg::post_entry(run.transaction,
                   {run.batch.program_id, run.actor.name,
                    "reconciliation " + std::to_string(run.reconciliation_id) + ": " +
                        std::string(domain::to_string(transition.first)) + " to " +
                        std::string(domain::to_string(transition.second)),
                    0, run.batch.id, 0},
                   *entry);
  }
}

void mark_batch_reconciled(Run& run) {
  if (run.batch.state != domain::BatchState::submitted || !run.payments.all_settled()) return;
  const domain::BatchTransition move =
      domain::transition(run.batch.state, domain::BatchEvent::reconcile);
  if (move.ok()) pg::record_batch_state(run.transaction, run.batch.id, run.batch.state, move.next);
}

nlohmann::json counts_json(const std::map<std::string, std::int64_t>& counts) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [outcome, count] : counts) json[outcome] = count;
  return json;
}

void audit(Run& run, const ResultFile& file, const std::string& sha256) {
  const nlohmann::json details = {{"reconciliation_id", run.reconciliation_id},
                                  {"batch_id", run.batch.id},
                                  {"kind", file.kind},
                                  {"file_sha256", sha256},
                                  {"lines", file.lines.size()},
                                  {"counts", counts_json(run.counts)}};
  pg::append_audit(run.transaction,
                   {run.actor.name, "batch.reconcile", "reconciliation",
                    std::to_string(run.reconciliation_id), run.batch.program_id, details.dump()});
}

domain::Batch batch_to_reconcile(pg::Transaction& transaction, std::int64_t batch_id) {
  const auto unlocked = pg::find_batch(transaction, batch_id);
  if (!unlocked) throw NotFound("no batch " + std::to_string(batch_id));
  // The program first, like every money-moving use case, then the batch.
  const auto program = pg::lock_program(transaction, unlocked->program_id);
  DISBURSE_ASSERT(program.has_value());
  const auto status = domain::parse_program_state(program->status);
  DISBURSE_ASSERT(status.has_value());
  if (!domain::money_may_move(*status)) {
    throw Conflict("program " + std::to_string(program->id) + " is " + program->status +
                   ": no money moves any more");
  }
  const auto batch = pg::lock_batch(transaction, batch_id);
  DISBURSE_ASSERT(batch.has_value());
  if (batch->state != domain::BatchState::submitted &&
      batch->state != domain::BatchState::reconciled) {
    throw Conflict("batch " + std::to_string(batch_id) + " is " +
                   std::string(domain::to_string(batch->state)) +
                   ": only a batch whose file was produced has results");
  }
  return *batch;
}

ReconciliationReport report_of(const pg::StoredReconciliation& stored) {
  ReconciliationReport report{stored.id,   stored.program_id,  stored.batch_id,
                              stored.kind, stored.file_sha256, stored.lines,
                              {},          stored.created_by,  stored.created_at};
  // Named, so that it outlives the loop over its items.
  const nlohmann::json counts = nlohmann::json::parse(stored.counts_json);
  for (const auto& [outcome, count] : counts.items()) {
    report.counts[outcome] = count.get<std::int64_t>();
  }
  return report;
}

}  // namespace

ReconciliationReport reconcile(pg::Transaction& transaction, const Actor& actor,
                               const security::SecretBox& secrets, std::int64_t batch_id,
                               const std::string& content) {
  require(actor, domain::Permission::reconcile);
  const domain::Batch batch = batch_to_reconcile(transaction, batch_id);
  // Reading the file before writing anything: a file that cannot be read changes nothing.
  const ResultFile file = read_result_file(batch.method, content, batch.currency);
  const std::string sha256 = security::sha256_hex(content);
  Run run{transaction,
          actor,
          secrets,
          batch,
          0,
          PaymentIndex(pg::lock_batch_payments(transaction, batch_id)),
          pg::applied_fingerprints(transaction, batch_id),
          {},
          {},
          {}};
  run.reconciliation_id = pg::insert_reconciliation(
      transaction, {batch.program_id, batch.id, file.kind, sha256, actor.name});
  for (const ResultFileLine& line : file.lines) decide_line(run, line);
  post_ledger(run);
  mark_batch_reconciled(run);
  pg::finish_reconciliation(transaction, run.reconciliation_id,
                            static_cast<std::int64_t>(file.lines.size()),
                            counts_json(run.counts).dump());
  audit(run, file, sha256);
  const auto stored = pg::find_reconciliation(transaction, run.reconciliation_id);
  DISBURSE_ASSERT(stored.has_value());
  return report_of(*stored);
}

ReconciliationReport show_reconciliation(pg::Database& database, const Actor& actor,
                                         std::int64_t reconciliation_id) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    const auto stored = pg::find_reconciliation(transaction, reconciliation_id);
    if (!stored) throw NotFound("no reconciliation " + std::to_string(reconciliation_id));
    return report_of(*stored);
  });
}

std::vector<ReconciliationReport> list_batch_reconciliations(pg::Database& database,
                                                             const Actor& actor,
                                                             std::int64_t batch_id) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    std::vector<ReconciliationReport> reports;
    for (const auto& stored : pg::list_reconciliations(transaction, batch_id)) {
      reports.push_back(report_of(stored));
    }
    return reports;
  });
}

std::vector<ReconciliationReport> list_program_reconciliations(pg::Database& database,
                                                               const Actor& actor,
                                                               std::int64_t program_id, int limit) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    std::vector<ReconciliationReport> reports;
    for (const auto& stored : pg::list_program_reconciliations(transaction, program_id, limit)) {
      reports.push_back(report_of(stored));
    }
    return reports;
  });
}

ReconciliationLinesPage show_reconciliation_lines(pg::Database& database, const Actor& actor,
                                                  std::int64_t reconciliation_id,
                                                  std::int64_t after_line_number, int limit,
                                                  bool discrepancies_only) {
  require(actor, domain::Permission::read_program);
  DISBURSE_ASSERT(limit > 0);
  return database.read([&](pg::Transaction& transaction) {
    const auto stored = pg::find_reconciliation(transaction, reconciliation_id);
    if (!stored) throw NotFound("no reconciliation " + std::to_string(reconciliation_id));
    ReconciliationLinesPage page;
    page.report = report_of(*stored);
    page.totals = pg::outcome_totals(transaction, reconciliation_id);
    // One line more than shown tells whether a next page exists.
    page.lines = pg::lines_page(transaction, reconciliation_id, after_line_number, limit + 1,
                                discrepancies_only);
    if (static_cast<int>(page.lines.size()) > limit) {
      page.lines.pop_back();
      page.next_after_line_number = page.lines.back().line_number;
    }
    for (const auto& earlier : pg::list_reconciliations(transaction, stored->batch_id)) {
      if (earlier.id < stored->id && earlier.file_sha256 == stored->file_sha256) {
        page.same_file_reconciliation_ids.push_back(earlier.id);
      }
    }
    return page;
  });
}

void export_reconciliation_report(pg::Database& database, const Actor& actor,
                                  std::int64_t reconciliation_id, std::ostream& output) {
  require(actor, domain::Permission::export_reports);
  database.read([&](pg::Transaction& transaction) {
    if (!pg::find_reconciliation(transaction, reconciliation_id)) {
      throw NotFound("no reconciliation " + std::to_string(reconciliation_id));
    }
    formats::CsvWriter writer(output);
    writer.write_plain_record(std::vector<std::string>{
        "line_number", "reference", "payment_id", "reported_status", "amount", "currency",
        "outcome", "from_state", "to_state", "detail"});
    pg::for_each_line(
        transaction, reconciliation_id, report_page_size, [&](const pg::ReconciliationLine& line) {
          writer.write_plain(std::to_string(line.line_number));
          writer.write_text(line.reference);
          writer.write_plain(line.payment_id ? std::to_string(line.payment_id) : "");
          writer.write_text(line.reported_status);
          writer.write_plain(line.amount ? domain::to_decimal_string(*line.amount) : "");
          writer.write_text(line.currency);
          writer.write_plain(line.outcome);
          writer.write_plain(line.from_state);
          writer.write_plain(line.to_state);
          writer.write_text(line.detail);
          writer.end_record();
        });
    writer.flush();
    return 0;
  });
}

nlohmann::json reconciliation_json(const ReconciliationReport& report) {
  const auto count = [&](const std::string& outcome) -> std::int64_t {
    const auto found = report.counts.find(outcome);
    return found == report.counts.end() ? 0 : found->second;
  };
  return {{"reconciliation_id", report.id},
          {"program_id", report.program_id},
          {"batch_id", report.batch_id},
          {"kind", report.kind},
          {"file_sha256", report.file_sha256},
          {"lines", report.lines},
          {"applied", count("applied")},
          {"already_applied", count("already_applied")},
          {"unknown", count("unknown_reference")},
          {"mismatched", count("amount_mismatch") + count("currency_mismatch")},
          {"amount_mismatch", count("amount_mismatch")},
          {"currency_mismatch", count("currency_mismatch")},
          {"duplicate", count("duplicate")},
          {"contradicting", count("contradicting")},
          {"unchanged", count("unchanged")},
          {"pending", count("ignored_pending")},
          {"malformed", count("malformed")},
          {"changes_applied", count("change_applied")},
          {"created_by", report.created_by},
          {"created_at", report.created_at}};
}

}  // namespace disburse::app
