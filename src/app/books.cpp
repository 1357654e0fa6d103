#include "disburse/app/books.hpp"

#include "disburse/app/views.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/pg/books_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

namespace {

// Unbalanced entries can only come from tampering; a few name the problem well enough.
constexpr int max_unbalanced_entries_listed = 1'000;

}  // namespace

BooksReport check_books(pg::Database& database, const Actor& actor, std::int64_t program_id) {
  require(actor, domain::Permission::read_program);
  // One read transaction: every figure comes from the same snapshot.
  return database.read([&](pg::Transaction& transaction) {
    const auto program = pg::find_program(transaction, program_id);
    if (!program) throw NotFound("no program " + std::to_string(program_id));
    domain::BooksInput input;
    input.fund = program->settings.fund;
    input.accounts = pg::ledger_figures(transaction, program_id);
    input.unbalanced_entries =
        pg::unbalanced_entries(transaction, program_id, max_unbalanced_entries_listed);
    input.payments = pg::payment_totals(transaction, program_id);
    input.claimants = pg::claimant_figures(transaction, program_id);
    BooksReport report;
    report.program_id = program_id;
    report.breaks = domain::check_books(input);
    report.roll_forward = domain::ledger::roll_forward(input.fund, input.accounts.balances());
    report.claimants = input.claimants.size();
    return report;
  });
}

nlohmann::json books_json(const BooksReport& report) {
  nlohmann::json breaks = nlohmann::json::array();
  for (const domain::Break& item : report.breaks) {
    breaks.push_back({{"code", domain::to_string(item.code)},
                      {"subject", item.subject},
                      {"expected_cents", item.expected.cents()},
                      {"actual_cents", item.actual.cents()},
                      {"message", item.message}});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const domain::ledger::RollForwardRow& row : report.roll_forward.rows) {
    nlohmann::json line = {{"key", row.key}, {"label", row.label}};
    put_money(line, "amount", row.amount);
    rows.push_back(line);
  }
  nlohmann::json roll_forward = {{"ties", report.roll_forward.ties()}, {"rows", rows}};
  put_money(roll_forward, "fund", report.roll_forward.fund);
  put_money(roll_forward, "deposited", report.roll_forward.deposited);
  put_money(roll_forward, "total", report.roll_forward.total);
  return {{"ok", report.ok()},
          {"program_id", report.program_id},
          {"breaks", breaks},
          {"claimants_checked", report.claimants},
          {"rollforward", roll_forward}};
}

}  // namespace disburse::app
