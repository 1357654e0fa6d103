#include "disburse/pg/reconciliation_repository.hpp"

#include <pqxx/pqxx>

#include "batch_membership.hpp"
#include "disburse/domain/assert.hpp"
#include "keyset.hpp"

namespace disburse::pg {

namespace {

constexpr const char* reconciliation_columns =
    "id, program_id, batch_id, kind, file_sha256, lines, counts::text, created_by, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

StoredReconciliation read_reconciliation(const pqxx::row& row) {
  StoredReconciliation stored;
  stored.id = row[0].as<std::int64_t>();
  stored.program_id = row[1].as<std::int64_t>();
  stored.batch_id = row[2].as<std::int64_t>();
  stored.kind = row[3].as<std::string>();
  stored.file_sha256 = row[4].as<std::string>();
  stored.lines = row[5].as<std::int64_t>();
  stored.counts_json = row[6].as<std::string>();
  stored.created_by = row[7].as<std::string>();
  stored.created_at = row[8].as<std::string>();
  return stored;
}

std::string text_of(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.as<std::string>();
}

domain::PaymentState state_of(const pqxx::field& field) {
  const auto state = domain::parse_payment_state(field.as<std::string>());
  DISBURSE_ASSERT(state.has_value());
  return *state;
}

ReconciliationLine read_line(const pqxx::row& row) {
  ReconciliationLine line;
  line.line_number = row[0].as<std::int64_t>();
  line.reference = row[1].as<std::string>();
  line.payment_id = row[2].is_null() ? 0 : row[2].as<std::int64_t>();
  line.reported_status = row[3].as<std::string>();
  if (!row[4].is_null()) line.amount = domain::Money::from_cents(row[4].as<std::int64_t>());
  line.currency = row[5].as<std::string>();
  line.outcome = row[6].as<std::string>();
  line.from_state = text_of(row[7]);
  line.to_state = text_of(row[8]);
  line.fingerprint = row[9].as<std::string>();
  line.detail = row[10].as<std::string>();
  return line;
}

}  // namespace

std::vector<ReconcilablePayment> lock_batch_payments(Transaction& transaction,
                                                     std::int64_t batch_id) {
  std::vector<ReconcilablePayment> payments;
  const BatchRange range = batch_range(transaction, batch_id);
  for (const auto& row : transaction.sql().exec_params(
           std::string("SELECT p.id, p.claimant_id, p.reference, coalesce(p.trace_number, ''), "
                       "coalesce(p.check_number, 0), p.state, p.method, p.amount_cents, "
                       "p.currency FROM payments p WHERE ") +
               payment_in_batch_1_2_3 + " ORDER BY p.id FOR UPDATE OF p",
           batch_id, range.first_payment_id, range.last_payment_id)) {
    ReconcilablePayment payment;
    payment.id = row[0].as<std::int64_t>();
    payment.claimant_id = row[1].as<std::int64_t>();
    payment.reference = row[2].as<std::string>();
    payment.trace_number = row[3].as<std::string>();
    payment.check_number = row[4].as<std::int64_t>();
    payment.state = state_of(row[5]);
    const auto method = domain::parse_payment_method(row[6].as<std::string>());
    DISBURSE_ASSERT(method.has_value());
    payment.method = *method;
    payment.amount = domain::Money::from_cents(row[7].as<std::int64_t>());
    payment.currency = row[8].as<std::string>();
    payments.push_back(std::move(payment));
  }
  return payments;
}

std::unordered_set<std::string> applied_fingerprints(Transaction& transaction,
                                                     std::int64_t batch_id) {
  std::unordered_set<std::string> fingerprints;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT fingerprint FROM reconciliation_lines WHERE batch_id = $1 "
           "AND outcome IN ('applied', 'change_applied')",
           batch_id)) {
    fingerprints.insert(row[0].as<std::string>());
  }
  return fingerprints;
}

std::int64_t insert_reconciliation(Transaction& transaction, const NewReconciliation& row) {
  return transaction.sql()
      .exec_params1(
          "INSERT INTO reconciliations (program_id, batch_id, kind, file_sha256, "
          "created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
          row.program_id, row.batch_id, row.kind, row.file_sha256, row.created_by)[0]
      .as<std::int64_t>();
}

void finish_reconciliation(Transaction& transaction, std::int64_t reconciliation_id,
                           std::int64_t lines, const std::string& counts_json) {
  transaction.sql().exec_params0(
      "UPDATE reconciliations SET lines = $2, counts = $3::jsonb WHERE id = $1", reconciliation_id,
      lines, counts_json);
}

std::optional<StoredReconciliation> find_reconciliation(Transaction& transaction,
                                                        std::int64_t reconciliation_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("SELECT ") + reconciliation_columns + " FROM reconciliations WHERE id = $1",
      reconciliation_id);
  if (rows.empty()) return std::nullopt;
  return read_reconciliation(rows[0]);
}

std::vector<StoredReconciliation> list_reconciliations(Transaction& transaction,
                                                       std::int64_t batch_id) {
  std::vector<StoredReconciliation> list;
  for (const auto& row :
       transaction.sql().exec_params(std::string("SELECT ") + reconciliation_columns +
                                         " FROM reconciliations WHERE batch_id = $1 ORDER BY id",
                                     batch_id)) {
    list.push_back(read_reconciliation(row));
  }
  return list;
}

std::vector<StoredReconciliation> list_program_reconciliations(Transaction& transaction,
                                                               std::int64_t program_id, int limit) {
  std::vector<StoredReconciliation> list;
  for (const auto& row : transaction.sql().exec_params(
           std::string("SELECT ") + reconciliation_columns +
               " FROM reconciliations WHERE program_id = $1 ORDER BY id DESC LIMIT $2",
           program_id, limit)) {
    list.push_back(read_reconciliation(row));
  }
  return list;
}

void insert_line(Transaction& transaction, std::int64_t reconciliation_id, std::int64_t batch_id,
                 const ReconciliationLine& line) {
  transaction.sql().exec_params0(
      "INSERT INTO reconciliation_lines (reconciliation_id, line_number, batch_id, reference, "
      "payment_id, reported_status, amount_cents, currency, outcome, from_state, to_state, "
      "fingerprint, detail) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6, CASE WHEN $7::boolean THEN "
      "$8::bigint END, "
      "$9, $10, NULLIF($11, ''), NULLIF($12, ''), $13, $14)",
      reconciliation_id, line.line_number, batch_id, line.reference, line.payment_id,
      line.reported_status, line.amount.has_value(), line.amount.value_or(domain::Money()).cents(),
      line.currency, line.outcome, line.from_state, line.to_state, line.fingerprint, line.detail);
}

void for_each_line(Transaction& transaction, std::int64_t reconciliation_id, int page_size,
                   const std::function<void(const ReconciliationLine&)>& visit) {
  std::int64_t after = -1;
  for_each_keyset_page(
      page_size,
      [&] {
        return transaction.sql().exec_params(
            "SELECT line_number, reference, payment_id, reported_status, amount_cents, currency, "
            "outcome, from_state, to_state, fingerprint, detail FROM reconciliation_lines "
            "WHERE reconciliation_id = $1 AND line_number > $2 ORDER BY line_number LIMIT $3",
            reconciliation_id, after, page_size);
      },
      [&](const pqxx::row& row) {
        const ReconciliationLine line = read_line(row);
        after = line.line_number;
        visit(line);
      });
}

std::vector<ReconciliationLine> lines_page(Transaction& transaction, std::int64_t reconciliation_id,
                                           std::int64_t after_line_number, int limit,
                                           bool discrepancies_only) {
  // The outcome list matches the partial index reconciliation_lines_discrepancies.
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT line_number, reference, payment_id, reported_status, amount_cents, currency, "
      "outcome, from_state, to_state, fingerprint, detail FROM reconciliation_lines "
      "WHERE reconciliation_id = $1 AND line_number > $2 AND (NOT $4::boolean OR outcome IN "
      "('unknown_reference', 'amount_mismatch', 'currency_mismatch', 'duplicate', "
      "'contradicting', 'malformed')) ORDER BY line_number LIMIT $3",
      reconciliation_id, after_line_number, limit, discrepancies_only);
  std::vector<ReconciliationLine> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) lines.push_back(read_line(row));
  return lines;
}

std::vector<OutcomeTotal> outcome_totals(Transaction& transaction, std::int64_t reconciliation_id) {
  std::vector<OutcomeTotal> totals;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT outcome, count(*), coalesce(sum(amount_cents), 0)::bigint "
           "FROM reconciliation_lines WHERE reconciliation_id = $1 GROUP BY outcome "
           "ORDER BY outcome",
           reconciliation_id)) {
    totals.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(),
                      domain::Money::from_cents(row[2].as<std::int64_t>())});
  }
  return totals;
}

bool move_payment(Transaction& transaction, std::int64_t payment_id, domain::PaymentState from,
                  domain::PaymentState to, const std::string& actor, const std::string& reason) {
  const std::string to_text(domain::to_string(to));
  const pqxx::result rows = transaction.sql().exec_params(
      "WITH moved AS (UPDATE payments SET state = $3, state_changed_at = now(), "
      "  paid_at = CASE WHEN $3 = 'paid' THEN now() ELSE paid_at END "
      "  WHERE id = $1 AND state = $2 RETURNING id) "
      "INSERT INTO payment_events (payment_id, from_state, to_state, actor, reason) "
      "SELECT id, $2, $3, $4, $5 FROM moved RETURNING payment_id",
      payment_id, std::string(domain::to_string(from)), to_text, actor, reason);
  return rows.size() == 1;
}

bool correct_bank_data(Transaction& transaction, const BankCorrection& correction) {
  const pqxx::result rows = transaction.sql().exec_params(
      "UPDATE claimants SET "
      "bank_routing_sealed = coalesce(NULLIF($2, ''), bank_routing_sealed), "
      "bank_account_sealed = coalesce(NULLIF($3, ''), bank_account_sealed), "
      "bank_account_type = coalesce(NULLIF($4, ''), bank_account_type) "
      "WHERE id = $1 AND purged_at IS NULL RETURNING id",
      correction.claimant_id, correction.routing_sealed, correction.account_sealed,
      correction.account_type);
  return rows.size() == 1;
}

}  // namespace disburse::pg
