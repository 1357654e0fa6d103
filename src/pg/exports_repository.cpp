#include "disburse/pg/exports_repository.hpp"

#include <pqxx/pqxx>

#include "keyset.hpp"

namespace disburse::pg {

namespace {

#define DISBURSE_ISO(column) \
  "coalesce(to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"

std::int64_t id_or_zero(const pqxx::field& field) {
  return field.is_null() ? 0 : field.as<std::int64_t>();
}

PaymentExportRow read_payment(const pqxx::row& row) {
  PaymentExportRow payment;
  payment.id = row[0].as<std::int64_t>();
  payment.claim_number = row[1].as<std::string>();
  payment.round = row[2].as<int>();
  payment.attempt = row[3].as<int>();
  payment.method = row[4].as<std::string>();
  payment.amount = domain::Money::from_cents(row[5].as<std::int64_t>());
  payment.currency = row[6].as<std::string>();
  payment.state = row[7].as<std::string>();
  payment.reference = row[8].as<std::string>();
  payment.batch_id = id_or_zero(row[9]);
  payment.previous_payment_id = id_or_zero(row[10]);
  payment.created_at = row[11].as<std::string>();
  payment.submitted_at = row[12].as<std::string>();
  payment.paid_at = row[13].as<std::string>();
  payment.state_changed_at = row[14].as<std::string>();
  payment.history = row[15].as<std::string>();
  return payment;
}

}  // namespace

void for_each_payment(Transaction& transaction, std::int64_t program_id, int page_size,
                      const std::function<void(const PaymentExportRow&)>& visit) {
  std::int64_t after = 0;
  for_each_keyset_page(
      page_size,
      [&] {
        return transaction.sql().exec_params(
        "SELECT p.id, c.claim_number, p.round, p.attempt, p.method, p.amount_cents, p.currency, "
        "p.state, p.reference, p.batch_id, p.previous_payment_id, " DISBURSE_ISO("p.created_at")
        ", " DISBURSE_ISO("p.submitted_at") ", " DISBURSE_ISO("p.paid_at") ", "
        DISBURSE_ISO("p.state_changed_at") ", "
        "(SELECT coalesce(string_agg(h.to_state || ' ' || " DISBURSE_ISO("h.occurred_at")
        ", '; ' ORDER BY h.event_id), '') FROM payment_history h WHERE h.payment_id = p.id) "
        "FROM payments p JOIN claimants c ON c.id = p.claimant_id "
        "WHERE p.program_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3",
        program_id, after, page_size);
      },
      [&](const pqxx::row& row) {
        const PaymentExportRow payment = read_payment(row);
        after = payment.id;
        visit(payment);
      });
}

void for_each_posting(Transaction& transaction, std::int64_t program_id, int page_size,
                      const std::function<void(const LedgerExportRow&)>& visit) {
  std::int64_t after_entry = 0;
  std::string after_account;
  for_each_keyset_page(
      page_size,
      [&] {
        return transaction.sql().exec_params(
        "SELECT e.id, " DISBURSE_ISO("e.created_at") ", e.kind, p.account, p.amount_cents, "
        "e.memo, e.run_id, e.batch_id, e.payment_id, e.actor "
        "FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id "
        "WHERE e.program_id = $1 AND (e.id, p.account) > ($2, $3) "
        "ORDER BY e.id, p.account LIMIT $4",
        program_id, after_entry, after_account, page_size);
      },
      [&](const pqxx::row& row) {
        LedgerExportRow posting{row[0].as<std::int64_t>(),
                                row[1].as<std::string>(),
                                row[2].as<std::string>(),
                                row[3].as<std::string>(),
                                domain::Money::from_cents(row[4].as<std::int64_t>()),
                                row[5].as<std::string>(),
                                id_or_zero(row[6]),
                                id_or_zero(row[7]),
                                id_or_zero(row[8]),
                                row[9].as<std::string>()};
        after_entry = posting.entry_id;
        after_account = posting.account;
        visit(posting);
      });
}

void for_each_regulator_row(Transaction& transaction, std::int64_t program_id,
                            const std::function<void(const RegulatorRow&)>& visit) {
  for (const auto& row : transaction.sql().exec_params(
           "SELECT coalesce(c.state, ''), count(*), "
           "count(*) FILTER (WHERE p.payments > 0), count(*) FILTER (WHERE p.paid_count > 0), "
           "coalesce(sum(p.payments), 0)::bigint, coalesce(sum(p.paid_cents), 0)::bigint "
           "FROM claimants c LEFT JOIN LATERAL (SELECT count(*) AS payments, "
           "  count(*) FILTER (WHERE state = 'paid') AS paid_count, "
           "  coalesce(sum(amount_cents) FILTER (WHERE state = 'paid'), 0) AS paid_cents "
           "  FROM payments WHERE claimant_id = c.id) p ON true "
           "WHERE c.program_id = $1 GROUP BY 1 ORDER BY 1",
           program_id)) {
    visit({row[0].as<std::string>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
           row[3].as<std::int64_t>(), row[4].as<std::int64_t>(),
           domain::Money::from_cents(row[5].as<std::int64_t>())});
  }
}

void for_each_discrepancy(Transaction& transaction, std::int64_t program_id, int page_size,
                          const std::function<void(const DiscrepancyRow&)>& visit) {
  std::int64_t after_reconciliation = 0;
  std::int64_t after_line = 0;
  for_each_keyset_page(
      page_size,
      [&] {
        return transaction.sql().exec_params(
        "SELECT r.id, r.batch_id, r.kind, " DISBURSE_ISO("r.created_at") ", l.line_number, "
        "l.reference, coalesce(l.payment_id, 0), l.reported_status, l.amount_cents, l.currency, "
        "l.outcome, l.detail FROM reconciliations r "
        "JOIN reconciliation_lines l ON l.reconciliation_id = r.id "
        "WHERE r.program_id = $1 AND (r.id, l.line_number) > ($2, $3) AND l.outcome IN "
        "('unknown_reference', 'amount_mismatch', 'currency_mismatch', 'duplicate', "
        "'contradicting', 'malformed') ORDER BY r.id, l.line_number LIMIT $4",
        program_id, after_reconciliation, after_line, page_size);
      },
      [&](const pqxx::row& row) {
        DiscrepancyRow discrepancy;
        discrepancy.reconciliation_id = row[0].as<std::int64_t>();
        discrepancy.batch_id = row[1].as<std::int64_t>();
        discrepancy.kind = row[2].as<std::string>();
        discrepancy.created_at = row[3].as<std::string>();
        discrepancy.line.line_number = row[4].as<std::int64_t>();
        discrepancy.line.reference = row[5].as<std::string>();
        discrepancy.line.payment_id = row[6].as<std::int64_t>();
        discrepancy.line.reported_status = row[7].as<std::string>();
        if (!row[8].is_null())
          discrepancy.line.amount = domain::Money::from_cents(row[8].as<std::int64_t>());
        discrepancy.line.currency = row[9].as<std::string>();
        discrepancy.line.outcome = row[10].as<std::string>();
        discrepancy.line.detail = row[11].as<std::string>();
        after_reconciliation = discrepancy.reconciliation_id;
        after_line = discrepancy.line.line_number;
        visit(discrepancy);
      });
}

#undef DISBURSE_ISO

}  // namespace disburse::pg
