#include "disburse/app/expiry.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "disburse/domain/ach_settlement.hpp"
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

// The payments to move, grouped by the state they leave and the event that moves them: expire
// for PayPal and checks, mark_paid for ACH credits whose return window passed.
struct ExpiryGroup {
  std::vector<std::int64_t> ids;
  domain::Money total;
};
using GroupKey = std::pair<PaymentState, domain::PaymentEvent>;

// The event that is due for the candidate at `now`, if any.
std::optional<domain::PaymentEvent> due_event(const pg::ExpiryCandidate& candidate,
                                              const domain::ProgramSettings& settings,
                                              std::int64_t now) {
  if (candidate.method == domain::PaymentMethod::ach) {
    if (!domain::is_ach_settled(candidate.submitted_at_epoch_seconds, now)) return std::nullopt;
    return domain::PaymentEvent::mark_paid;
  }
  if (!domain::is_expired(candidate.method, candidate.submitted_at_epoch_seconds, now,
                          settings.paypal_window_days, settings.check_window_days)) {
    return std::nullopt;
  }
  return domain::PaymentEvent::expire;
}

void count(ExpiryReport& report, const pg::ExpiryCandidate& candidate) {
  if (candidate.method == domain::PaymentMethod::ach) {
    report.settled_ach++;
    report.settled_ach_total += candidate.amount;
    return;
  }
  report.expired++;
  report.expired_total += candidate.amount;
  (candidate.method == domain::PaymentMethod::paypal ? report.expired_paypal
                                                     : report.expired_check)++;
}

std::map<GroupKey, ExpiryGroup> due_payments(pg::Transaction& transaction,
                                             const domain::Program& program, std::int64_t now,
                                             ExpiryReport& report) {
  const domain::ProgramSettings& settings = program.settings;
  // Nothing submitted within the shortest window can be due, so the query skips it.
  const std::int64_t shortest_days =
      std::min({std::int64_t{settings.paypal_window_days}, std::int64_t{settings.check_window_days},
                domain::ach_return_window_days});
  std::map<GroupKey, ExpiryGroup> groups;
  for (const pg::ExpiryCandidate& candidate :
       pg::lock_expiry_candidates(transaction, program.id, now - shortest_days * seconds_per_day)) {
    const auto event = due_event(candidate, settings, now);
    if (!event) continue;
    ExpiryGroup& group = groups[{candidate.state, *event}];
    group.ids.push_back(candidate.id);
    group.total += candidate.amount;
    count(report, candidate);
  }
  return groups;
}

void expire_group(pg::Transaction& transaction, const Actor& actor, std::int64_t program_id,
                  const GroupKey& key, const ExpiryGroup& group, const std::string& when) {
  const PaymentState from = key.first;
  const domain::PaymentTransition move = domain::transition(from, key.second);
  DISBURSE_ASSERT(move.ok());
  const std::string reason = key.second == domain::PaymentEvent::mark_paid
                                 ? "no ACH return within the return window at " + when
                                 : "not accepted within the window at " + when;
  const std::int64_t moved =
      pg::move_payments(transaction, group.ids, from, move.next, actor.name, reason);
  // The candidates are locked for the transaction, so every one is still in `from`.
  DISBURSE_ASSERT(moved == static_cast<std::int64_t>(group.ids.size()));
  const auto entry = domain::ledger::entry_for_transition(from, move.next, group.total);
  DISBURSE_ASSERT(entry.has_value());
  pg::post_entry(transaction,
                 {program_id, actor.name,
                  "expiry at " + when + ": " + std::to_string(moved) + " " +
                      std::string(domain::to_string(from)) + " payments " +
                      std::string(domain::to_string(move.next)),
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
  for (const auto& [key, group] : groups) {
    expire_group(transaction, actor, program_id, key, group, when);
  }
  if (!groups.empty()) {
    pg::append_audit(transaction,
                     {actor.name, "payment.expire", "program", std::to_string(program_id),
                      program_id, expiry_json(report).dump()});
  }
  return report;
}

}  // namespace

ExpiryReport expire_payments(pg::Database& database, const Actor& actor, std::int64_t program_id,
                             std::chrono::sys_seconds now) {
  return database.write([&](pg::Transaction& transaction) {
    return expire_payments(transaction, actor, program_id, now);
  });
}

ExpiryReport expire_payments(pg::Transaction& transaction, const Actor& actor,
                             std::int64_t program_id, std::chrono::sys_seconds now) {
  require(actor, domain::Permission::reconcile);
  return expire_in(transaction, actor, program_id, now);
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
          {"expired_amount", domain::to_decimal_string(report.expired_total)},
          {"settled_ach", report.settled_ach},
          {"settled_ach_cents", report.settled_ach_total.cents()}};
}

}  // namespace disburse::app
