#include "disburse/app/closing.hpp"

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/programs_repository.hpp"
#include "disburse/pg/second_round_repository.hpp"

namespace disburse::app {

namespace {

// No round number is ever this large: releasing "every round before it" releases them all.
constexpr int after_every_round = 1'000'000;

// Locks the program and asks the program state machine for `event`.
domain::ProgramState next_state(pg::Transaction& transaction, std::int64_t program_id,
                                domain::ProgramEvent event) {
  const auto program = pg::lock_program(transaction, program_id);
  if (!program) throw NotFound("no program " + std::to_string(program_id));
  const auto state = domain::parse_program_state(program->status);
  DISBURSE_ASSERT(state.has_value());
  const domain::ProgramTransition transition = domain::transition(*state, event);
  if (!transition.ok()) {
    throw Conflict("program " + std::to_string(program_id) + " is " + program->status +
                   " and cannot be " +
                   (event == domain::ProgramEvent::close ? "closed" : "purged") +
                   (event == domain::ProgramEvent::purge ? " (close it first)" : ""));
  }
  return transition.next;
}

std::int64_t release_all(pg::Transaction& transaction, const Actor& actor,
                         std::int64_t program_id) {
  std::int64_t released = 0;
  for (const domain::PaymentState from :
       {domain::PaymentState::expired, domain::PaymentState::returned, domain::PaymentState::failed,
        domain::PaymentState::voided}) {
    const domain::PaymentTransition release =
        domain::transition(from, domain::PaymentEvent::release_to_pool);
    DISBURSE_ASSERT(release.ok());
    released += pg::release_earlier_rounds(transaction, program_id, after_every_round, from,
                                           release.next, actor.name, "program closed");
  }
  return released;
}

CloseResult close_in(pg::Transaction& transaction, const Actor& actor, std::int64_t program_id) {
  const domain::ProgramState closed =
      next_state(transaction, program_id, domain::ProgramEvent::close);
  if (const std::int64_t unsettled = pg::count_unsettled_payments(transaction, program_id)) {
    throw Conflict("program " + std::to_string(program_id) + " has " + std::to_string(unsettled) +
                   " payments still on their way: reconcile, expire or void them first");
  }
  CloseResult result;
  result.program_id = program_id;
  result.payments_released = release_all(transaction, actor, program_id);
  const domain::ledger::Balances balances = pg::ledger_balances(transaction, program_id);
  result.unallocated_to_treasury = balances.of(domain::ledger::Account::unallocated_fund);
  result.pool_to_treasury = balances.of(domain::ledger::Account::returned_pool);
  if (!(result.unallocated_to_treasury + result.pool_to_treasury).is_zero()) {
    result.ledger_entry_id = pg::post_entry(
        transaction, {program_id, actor.name, "program closed: residual to the Treasury"},
        domain::ledger::close_to_treasury(result.unallocated_to_treasury, result.pool_to_treasury,
                                          domain::Money()));
  }
  pg::update_program_status(transaction, program_id, std::string(domain::to_string(closed)));
  pg::append_audit(transaction, {actor.name, "program.close", "program", std::to_string(program_id),
                                 program_id, close_json(result).dump()});
  return result;
}

}  // namespace

CloseResult close_program(pg::Database& database, const Actor& actor, std::int64_t program_id) {
  return database.write(
      [&](pg::Transaction& transaction) { return close_program(transaction, actor, program_id); });
}

CloseResult close_program(pg::Transaction& transaction, const Actor& actor,
                          std::int64_t program_id) {
  require(actor, domain::Permission::close_program);
  return close_in(transaction, actor, program_id);
}

nlohmann::json close_json(const CloseResult& result) {
  const domain::Money total = result.unallocated_to_treasury + result.pool_to_treasury;
  return {{"program_id", result.program_id},
          {"status", "closed"},
          {"payments_released", result.payments_released},
          {"unallocated_to_treasury_cents", result.unallocated_to_treasury.cents()},
          {"pool_to_treasury_cents", result.pool_to_treasury.cents()},
          {"residual_to_treasury_cents", total.cents()},
          {"residual_to_treasury", domain::to_decimal_string(total)},
          {"ledger_entry_id", result.ledger_entry_id}};
}

PurgeResult purge_program(pg::Database& database, const Actor& actor, std::int64_t program_id) {
  return database.write(
      [&](pg::Transaction& transaction) { return purge_program(transaction, actor, program_id); });
}

PurgeResult purge_program(pg::Transaction& transaction, const Actor& actor,
                          std::int64_t program_id) {
  require(actor, domain::Permission::close_program);
  const domain::ProgramState purged =
      next_state(transaction, program_id, domain::ProgramEvent::purge);
  PurgeResult result{program_id, pg::erase_personal_data(transaction, program_id)};
  pg::update_program_status(transaction, program_id, std::string(domain::to_string(purged)));
  pg::append_audit(transaction, {actor.name, "program.purge", "program", std::to_string(program_id),
                                 program_id, purge_json(result).dump()});
  return result;
}

nlohmann::json purge_json(const PurgeResult& result) {
  const pg::PurgeCounts& erased = result.erased;
  return {
      {"program_id", result.program_id},
      {"status", "purged"},
      {"erased",
       {{"claimants", erased.claimants},
        {"claimant_columns",
         {"first_name", "last_name", "email", "phone", "address1", "address2", "city", "state",
          "postal_code", "country", "bank_routing_sealed", "bank_account_sealed",
          "bank_account_type", "email_key", "address_key", "portal_zip5", "record_fingerprint"}},
        {"import_rejection_raw_records", erased.import_rejection_records},
        {"import_file_chunks", erased.import_chunks},
        {"claimant_change_proposals", erased.claimant_change_proposals},
        {"batch_file_contents", erased.batch_files}}},
      {"kept", {"ids", "claim_numbers", "amounts", "payments", "ledger", "audit_log"}}};
}

}  // namespace disburse::app
