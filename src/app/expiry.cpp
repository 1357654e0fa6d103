#include "disburse/app/expiry.hpp"

#include <cstdio>
#include <map>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/domain/reconciliation.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/expiry_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"

namespace disburse::app {

namespace {

using domain::PaymentState;

constexpr std::int64_t seconds_per_day = 86'400;

// The payments to expire, grouped by the state they leave.
struct ExpiryGroup {
  std::vector<std::int64_t> ids;
  domain::Money total;
};

std::map<PaymentState, ExpiryGroup> due_payments(pg::Transaction& transaction,
                                                 const domain::Program& program, std::int64_t now,
                                                 ExpiryReport& report) {
  const domain::ProgramSettings& settings = program.settings;
  // Nothing submitted within the shorter window can be due, so the query skips it.
  const std::int64_t shortest_days =
      std::min(settings.paypal_window_days, settings.check_window_days);
  std::map<PaymentState, ExpiryGroup> groups;
  for (const pg::ExpiryCandidate& candidate :
       pg::lock_expiry_candidates(transaction, program.id, now - shortest_days * seconds_per_day)) {
    if (!domain::is_expired(candidate.method, candidate.submitted_at_epoch_seconds, now,
                            settings.paypal_window_days, settings.check_window_days)) {
      continue;
    }
    ExpiryGroup& group = groups[candidate.state];
    group.ids.push_back(candidate.id);
    group.total += candidate.amount;
    report.expired++;
    report.expired_total += candidate.amount;
    (candidate.method == domain::PaymentMethod::paypal ? report.expired_paypal
                                                       : report.expired_check)++;
  }
  return groups;
}

void expire_group(pg::Transaction& transaction, const Actor& actor, std::int64_t program_id,
                  PaymentState from, const ExpiryGroup& group, const std::string& when) {
  const domain::PaymentTransition move = domain::transition(from, domain::PaymentEvent::expire);
  DISBURSE_ASSERT(move.ok());
  const std::int64_t moved = pg::move_payments(transaction, group.ids, from, move.next, actor.name,
                                               "not accepted within the window at " + when);
  // The candidates are locked for the transaction, so every one is still in `from`.
  DISBURSE_ASSERT(moved == static_cast<std::int64_t>(group.ids.size()));
  const auto entry = domain::ledger::entry_for_transition(from, move.next, group.total);
  DISBURSE_ASSERT(entry.has_value());
  pg::post_entry(transaction,
                 {program_id, actor.name,
                  "expiry at " + when + ": " + std::to_string(moved) + " " +
                      std::string(domain::to_string(from)) + " payments",
                  0, 0, 0},
                 *entry);
}

ExpiryReport expire_in(pg::Transaction& transaction, const Actor& actor, std::int64_t program_id,
                       std::chrono::sys_seconds now) {
  const auto program = pg::lock_program(transaction, program_id);
  if (!program) throw NotFound("no program " + std::to_string(program_id));
  const auto status = domain::parse_program_state(program->status);
  DISBURSE_ASSERT(status.has_value());
  if (!domain::money_may_move(*status)) {
    throw Conflict("program " + std::to_string(program_id) + " is " + program->status +
                   ": no money moves any more");
  }
  ExpiryReport report;
  report.program_id = program_id;
  report.now = now;
  const std::string when = format_instant(now);
  const auto groups = due_payments(transaction, *program, now.time_since_epoch().count(), report);
  for (const auto& [from, group] : groups) {
    expire_group(transaction, actor, program_id, from, group, when);
  }
  if (report.expired > 0) {
    pg::append_audit(transaction,
                     {actor.name, "payment.expire", "program", std::to_string(program_id),
                      program_id, expiry_json(report).dump()});
  }
  return report;
}

}  // namespace

ExpiryReport expire_payments(pg::Database& database, const Actor& actor, std::int64_t program_id,
                             std::chrono::sys_seconds now) {
  require(actor, domain::Permission::reconcile);
  return database.write(
      [&](pg::Transaction& transaction) { return expire_in(transaction, actor, program_id, now); });
}

std::vector<ExpiryReport> expire_all_programs(pg::Database& database, const Actor& actor,
                                              std::chrono::sys_seconds now) {
  const std::vector<std::int64_t> programs = database.read(
      [](pg::Transaction& transaction) { return pg::distributing_program_ids(transaction); });
  std::vector<ExpiryReport> reports;
  for (const std::int64_t program_id : programs) {
    reports.push_back(expire_payments(database, actor, program_id, now));
  }
  return reports;
}

std::chrono::sys_seconds parse_instant(const std::string& text, const std::string& what) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char zone = 0;
  int consumed = 0;
  const int fields = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &year, &month, &day,
                                 &hour, &minute, &second, &zone, &consumed);
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (fields != 7 || zone != 'Z' || static_cast<std::size_t>(consumed) != text.size() ||
      !date.ok() || hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 ||
      second < 0) {
    throw InvalidInput(what + " must be an instant in UTC such as 2026-06-01T00:00:00Z");
  }
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

std::string format_instant(std::chrono::sys_seconds instant) {
  const auto days = std::chrono::floor<std::chrono::days>(instant);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss time(instant - days);
  char text[128];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()),
                static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                static_cast<long>(time.seconds().count()));
  return text;
}

nlohmann::json expiry_json(const ExpiryReport& report) {
  return {{"program_id", report.program_id},
          {"now", format_instant(report.now)},
          {"expired", report.expired},
          {"expired_paypal", report.expired_paypal},
          {"expired_check", report.expired_check},
          {"expired_cents", report.expired_total.cents()},
          {"expired_amount", domain::to_decimal_string(report.expired_total)}};
}

}  // namespace disburse::app
