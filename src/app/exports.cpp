#include "disburse/app/exports.hpp"

#include <array>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/formats/csv.hpp"
#include "disburse/pg/books_repository.hpp"
#include "disburse/pg/exports_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

namespace {

constexpr int export_page_size = 5000;
constexpr std::array<ExportKind, 5> kinds = {{
    {"payments", "One row per payment attempt: amount, method, state, reference, batch and the "
                 "history of its states."},
    {"ledger", "One row per ledger posting: every movement of money, balanced entry by entry."},
    {"rollforward", "Where the fund is: the deposit, each account of the roll-forward, the total "
                    "and any difference."},
    {"regulator", "By US state: claimants, payments, amounts paid, the redemption rate and the "
                  "share of the administration cost."},
    {"discrepancies", "Every result line that a person must look at: unknown references, "
                      "mismatches, duplicates, contradictions and malformed lines."},
}};

std::string id_text(std::int64_t id) {
  return id == 0 ? std::string() : std::to_string(id);
}

// A ratio as a decimal with four places, computed in integers: 0.4375.
std::string ratio_text(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "0.0000";
  const std::int64_t scaled = (part * 10'000 + whole / 2) / whole;
  std::string fraction = std::to_string(scaled % 10'000);
  fraction.insert(0, 4 - fraction.size(), '0');
  return std::to_string(scaled / 10'000) + "." + fraction;
}

void header(formats::CsvWriter& writer, std::initializer_list<const char*> columns) {
  for (const char* column : columns) writer.write_plain(column);
  writer.end_record();
}

std::int64_t write_payments(pg::Transaction& transaction, std::int64_t program_id,
                            formats::CsvWriter& writer) {
  header(writer, {"payment_id", "claim_number", "round", "attempt", "method", "amount_cents",
                  "amount", "currency", "state", "reference", "batch_id", "previous_payment_id",
                  "created_at", "submitted_at", "paid_at", "state_changed_at", "history"});
  std::int64_t rows = 0;
  pg::for_each_payment(
      transaction, program_id, export_page_size, [&](const pg::PaymentExportRow& row) {
        writer.write_plain(std::to_string(row.id));
        writer.write_text(row.claim_number);
        writer.write_plain(std::to_string(row.round));
        writer.write_plain(std::to_string(row.attempt));
        writer.write_plain(row.method);
        writer.write_plain(std::to_string(row.amount.cents()));
        writer.write_plain(domain::to_decimal_string(row.amount));
        writer.write_plain(row.currency);
        writer.write_plain(row.state);
        writer.write_text(row.reference);
        writer.write_plain(id_text(row.batch_id));
        writer.write_plain(id_text(row.previous_payment_id));
        for (const std::string* at :
             {&row.created_at, &row.submitted_at, &row.paid_at, &row.state_changed_at}) {
          writer.write_plain(*at);
        }
        writer.write_text(row.history);
        writer.end_record();
        rows++;
      });
  return rows;
}

std::int64_t write_ledger(pg::Transaction& transaction, std::int64_t program_id,
                          formats::CsvWriter& writer) {
  header(writer, {"entry_id", "created_at", "kind", "account", "amount_cents", "amount", "memo",
                  "run_id", "batch_id", "payment_id", "actor"});
  std::int64_t rows = 0;
  pg::for_each_posting(transaction, program_id, export_page_size,
                       [&](const pg::LedgerExportRow& row) {
                         writer.write_plain(std::to_string(row.entry_id));
                         writer.write_plain(row.created_at);
                         writer.write_plain(row.kind);
                         writer.write_plain(row.account);
                         writer.write_plain(std::to_string(row.amount.cents()));
                         writer.write_plain(domain::to_decimal_string(row.amount));
                         writer.write_text(row.memo);
                         writer.write_plain(id_text(row.run_id));
                         writer.write_plain(id_text(row.batch_id));
                         writer.write_plain(id_text(row.payment_id));
                         writer.write_text(row.actor);
                         writer.end_record();
                         rows++;
                       });
  return rows;
}

void money_row(formats::CsvWriter& writer, std::string_view key, std::string_view label,
               domain::Money amount) {
  writer.write_plain(key);
  writer.write_plain(label);
  writer.write_plain(std::to_string(amount.cents()));
  writer.write_plain(domain::to_decimal_string(amount));
  writer.end_record();
}

std::int64_t write_rollforward(pg::Transaction& transaction, const domain::Program& program,
                               formats::CsvWriter& writer) {
  const domain::ledger::RollForward roll = domain::ledger::roll_forward(
      program.settings.fund, pg::ledger_figures(transaction, program.id).balances());
  header(writer, {"key", "label", "amount_cents", "amount"});
  money_row(writer, "fund", "Settlement fund", roll.fund);
  money_row(writer, "deposited", "Deposited", roll.deposited);
  for (const domain::ledger::RollForwardRow& row : roll.rows) {
    money_row(writer, row.key, row.label, row.amount);
  }
  money_row(writer, "total", "Accounted for", roll.total);
  money_row(writer, "difference", roll.ties() ? "Ties out" : "DOES NOT TIE",
            roll.fund - roll.total);
  return static_cast<std::int64_t>(roll.rows.size()) + 4;
}

// The administration cost is the reserve, shared by the states in proportion to claimants.
std::int64_t write_regulator(pg::Transaction& transaction, const domain::Program& program,
                             formats::CsvWriter& writer) {
  std::int64_t all_claimants = 0;
  pg::for_each_regulator_row(transaction, program.id,
                             [&](const pg::RegulatorRow& row) { all_claimants += row.claimants; });
  header(writer, {"state", "claimants", "claimants_paid_or_pending", "redeemers", "payments",
                  "amount_paid_cents", "amount_paid", "redemption_rate",
                  "administration_cost_share_cents"});
  std::int64_t rows = 0;
  const std::int64_t reserve = program.settings.reserve.cents();
  pg::for_each_regulator_row(transaction, program.id, [&](const pg::RegulatorRow& row) {
    writer.write_text(row.state.empty() ? "unknown" : row.state);
    writer.write_plain(std::to_string(row.claimants));
    writer.write_plain(std::to_string(row.claimants_with_payments));
    writer.write_plain(std::to_string(row.redeemers));
    writer.write_plain(std::to_string(row.payments));
    writer.write_plain(std::to_string(row.paid.cents()));
    writer.write_plain(domain::to_decimal_string(row.paid));
    writer.write_plain(ratio_text(row.redeemers, row.claimants_with_payments));
    const __int128 share =
        static_cast<__int128>(reserve) * row.claimants / std::max<std::int64_t>(all_claimants, 1);
    writer.write_plain(std::to_string(static_cast<std::int64_t>(share)));
    writer.end_record();
    rows++;
  });
  return rows;
}

std::int64_t write_discrepancies(pg::Transaction& transaction, std::int64_t program_id,
                                 formats::CsvWriter& writer) {
  header(writer,
         {"reconciliation_id", "batch_id", "kind", "imported_at", "line_number", "reference",
          "payment_id", "reported_status", "amount", "currency", "outcome", "detail"});
  std::int64_t rows = 0;
  pg::for_each_discrepancy(
      transaction, program_id, export_page_size, [&](const pg::DiscrepancyRow& row) {
        writer.write_plain(std::to_string(row.reconciliation_id));
        writer.write_plain(std::to_string(row.batch_id));
        writer.write_plain(row.kind);
        writer.write_plain(row.created_at);
        writer.write_plain(std::to_string(row.line.line_number));
        writer.write_text(row.line.reference);
        writer.write_plain(id_text(row.line.payment_id));
        writer.write_text(row.line.reported_status);
        writer.write_plain(row.line.amount ? domain::to_decimal_string(*row.line.amount) : "");
        writer.write_text(row.line.currency);
        writer.write_plain(row.line.outcome);
        writer.write_text(row.line.detail);
        writer.end_record();
        rows++;
      });
  return rows;
}

std::int64_t write_kind(pg::Transaction& transaction, const domain::Program& program,
                        const std::string& kind, formats::CsvWriter& writer) {
  if (kind == "payments") return write_payments(transaction, program.id, writer);
  if (kind == "ledger") return write_ledger(transaction, program.id, writer);
  if (kind == "rollforward") return write_rollforward(transaction, program, writer);
  if (kind == "regulator") return write_regulator(transaction, program, writer);
  return write_discrepancies(transaction, program.id, writer);
}

}  // namespace

std::span<const ExportKind> export_kinds() { return kinds; }

void check_export_kind(const std::string& kind) {
  for (const ExportKind& known : kinds) {
    if (kind == known.name) return;
  }
  throw InvalidInput(
      "the export kind must be payments, ledger, rollforward, regulator or discrepancies");
}

std::int64_t write_export(pg::Database& database, const Actor& actor, std::int64_t program_id,
                          const std::string& kind, std::ostream& output) {
  require(actor, domain::Permission::export_reports);
  check_export_kind(kind);
  return database.read([&](pg::Transaction& transaction) {
    const auto program = pg::find_program(transaction, program_id);
    if (!program) throw NotFound("no program " + std::to_string(program_id));
    formats::CsvWriter writer(output);
    const std::int64_t rows = write_kind(transaction, *program, kind, writer);
    writer.flush();
    return rows;
  });
}

}  // namespace disburse::app
