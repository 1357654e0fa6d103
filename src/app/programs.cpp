#include "disburse/app/programs.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

namespace {

// Narrowed to an int without changing whether it is in range: domain::validate_program_settings
// then refuses an out-of-range window with its own message, however large the number was.
int window_days(const std::optional<std::int64_t>& requested, int fallback) {
  if (!requested) return fallback;
  return static_cast<int>(std::clamp<std::int64_t>(*requested, std::numeric_limits<int>::min(),
                                                   std::numeric_limits<int>::max()));
}

}  // namespace

domain::ProgramSettings parse_program_request(const ProgramRequest& request) {
  domain::ProgramSettings settings;
  settings.name = request.name;
  settings.currency = request.currency;
  settings.fund = domain::parse_money_or_throw(request.fund, "fund");
  settings.reserve = domain::parse_money_or_throw(request.reserve, "reserve");
  settings.min_payment = domain::parse_money_or_throw(request.min_payment, "min_payment");
  settings.paypal_window_days = window_days(request.paypal_window_days, settings.paypal_window_days);
  settings.check_window_days = window_days(request.check_window_days, settings.check_window_days);
  settings.cure_window_days = window_days(request.cure_window_days, settings.cure_window_days);
  domain::validate_program_settings(settings);
  return settings;
}

domain::Program create_program(pg::Transaction& transaction, const Actor& actor,
                               const ProgramRequest& request) {
  require(actor, domain::Permission::manage_program);
  const domain::ProgramSettings settings = parse_program_request(request);
  domain::Program program = pg::insert_program(transaction, settings);
  // The books open with the fund deposited and the administration reserve set aside.
  const pg::EntryContext context{program.id, actor.name, "program created"};
  pg::post_entry(transaction, context, domain::ledger::fund_deposit(settings.fund));
  if (!settings.reserve.is_zero()) {
    pg::post_entry(transaction, context, domain::ledger::reserve(settings.reserve));
  }
  const nlohmann::json details = {{"fund_cents", settings.fund.cents()},
                                  {"reserve_cents", settings.reserve.cents()},
                                  {"min_payment_cents", settings.min_payment.cents()},
                                  {"currency", settings.currency}};
  pg::append_audit(transaction, {actor.name, "program.create", "program",
                                 std::to_string(program.id), program.id, details.dump()});
  return program;
}

std::vector<domain::Program> list_programs(pg::Database& database, const Actor& actor) {
  require(actor, domain::Permission::read_program);
  return database.read([](pg::Transaction& transaction) { return pg::list_programs(transaction); });
}

domain::Program show_program(pg::Database& database, const Actor& actor, std::int64_t program_id) {
  require(actor, domain::Permission::read_program);
  const auto program = database.read(
      [&](pg::Transaction& transaction) { return pg::find_program(transaction, program_id); });
  if (!program) throw NotFound("no program " + std::to_string(program_id));
  return *program;
}

}  // namespace disburse::app
