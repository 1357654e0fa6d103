#include "disburse/app/reissue.hpp"

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/ledger.hpp"
#include "disburse/domain/payment_reference.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/claims_repository.hpp"
#include "disburse/pg/ledger_repository.hpp"
#include "disburse/pg/payment_repository.hpp"
#include "disburse/pg/programs_repository.hpp"
#include "disburse/pg/reconciliation_repository.hpp"

namespace disburse::app {

namespace {

using domain::PaymentEvent;
using domain::PaymentState;

// Moves the payment by `event`, with its event row and its ledger entry (if money moves).
// `ledger_payment_id` names the payment the entry is booked against.
PaymentState move(pg::Transaction& transaction, const Actor& actor, pg::PaymentRecord& payment,
                  PaymentEvent event, const std::string& reason, std::int64_t ledger_payment_id) {
  const domain::PaymentTransition transition = domain::transition(payment.state, event);
  DISBURSE_ASSERT(transition.ok());
  const bool moved =
      pg::move_payment(transaction, payment.id, payment.state, transition.next, actor.name, reason);
  // The payment is locked for the transaction, so its state is the one read.
  DISBURSE_ASSERT(moved);
  const auto entry =
      domain::ledger::entry_for_transition(payment.state, transition.next, payment.amount);
  if (entry) {
    pg::post_entry(transaction, {payment.program_id, actor.name, reason, 0, 0, ledger_payment_id},
                   *entry);
  }
  payment.state = transition.next;
  return transition.next;
}

void check_reissuable(const pg::PaymentRecord& payment) {
  const std::string id = std::to_string(payment.id);
  if (payment.state == PaymentState::paid) {
    throw Conflict("payment " + id + " was paid: a paid payment is never reissued");
  }
  if (payment.state == PaymentState::batched) {
    throw Conflict("payment " + id + " is in batch " + std::to_string(payment.batch_id) +
                   ": cancel the batch first");
  }
  if (domain::is_final(payment.state)) {
    throw Conflict("payment " + id + " is " + std::string(domain::to_string(payment.state)) +
                   ": this attempt is closed");
  }
}

void check_program(pg::Transaction& transaction, std::int64_t program_id) {
  const auto program = pg::lock_program(transaction, program_id);
  DISBURSE_ASSERT(program.has_value());
  const auto status = domain::parse_program_state(program->status);
  DISBURSE_ASSERT(status.has_value());
  if (!domain::money_may_move(*status)) {
    throw Conflict("program " + std::to_string(program_id) + " is " + program->status +
                   ": no money moves any more");
  }
}

// Validated before anything is written, so that a bad address changes nothing.
std::optional<domain::MailingAddress> checked_address(const ReissueRequest& request,
                                                      domain::PaymentMethod method) {
  if (!request.address) return std::nullopt;
  if (method != domain::PaymentMethod::check) {
    throw InvalidInput("a mailing address is only used for a check: use --method check");
  }
  const domain::AddressCheck check = domain::validate_mailing_address(*request.address);
  if (!check.accepted()) {
    throw InvalidInput("the address is not valid: " + std::string(domain::describe(check.result)) +
                       " (" + std::string(domain::to_string(*check.field)) + ")");
  }
  return check.address;
}

// The claimant's address is where a check is mailed. The import's record fingerprint stays, so
// that importing the same list again still reads as `exists`; the duplicate-signal key follows
// the new address. The audit says that the address changed, never what it is.
void change_address(pg::Transaction& transaction, const security::SecretBox& secrets,
                    const Actor& actor, const pg::PaymentRecord& payment,
                    const domain::MailingAddress& address, std::int64_t new_payment_id) {
  const std::string address_key = security::keyed_hash_hex(
      secrets.derive_key("claimants.address_key.v1"),
      domain::normalize_address(address.address1, address.address2, address.postal_code));
  pg::update_mailing_address(transaction, payment.claimant_id, address, address_key);
  const nlohmann::json details = {{"payment_id", new_payment_id},
                                  {"previous_payment_id", payment.id}};
  pg::append_audit(transaction,
                   {actor.name, "claimant.mailing_address", "claimant",
                    std::to_string(payment.claimant_id), payment.program_id, details.dump()});
}

}  // namespace

ReissueResult reissue_payment(pg::Transaction& transaction, const security::SecretBox& secrets,
                              const Actor& actor, const ReissueRequest& request) {
  require(actor, domain::Permission::reconcile);
  const auto method = domain::parse_payment_method(request.method);
  if (!method) throw InvalidInput("--method must be paypal, check or ach");
  const std::optional<domain::MailingAddress> address = checked_address(request, *method);
  const auto unlocked = pg::find_payment(transaction, request.payment_id);
  if (!unlocked) throw NotFound("no payment " + std::to_string(request.payment_id));
  // The program first, like every money-moving use case, then the payment.
  check_program(transaction, unlocked->program_id);
  pg::PaymentRecord payment = *pg::lock_payment(transaction, request.payment_id);
  check_reissuable(payment);
  ReissueResult result;
  result.previous_payment_id = payment.id;
  result.previous_state = std::string(domain::to_string(payment.state));
  const std::string reason = "reissued as " + request.method;
  if (domain::is_live(payment.state)) {
    move(transaction, actor, payment, PaymentEvent::void_payment, "voided to be " + reason,
         payment.id);
    result.voided = true;
  }
  pg::PaymentRecord next = payment;
  next.attempt = payment.attempt + 1;
  next.method = *method;
  next.previous_payment_id = payment.id;
  next.reference = domain::payment_reference(
      {payment.program_id, payment.round, payment.claimant_id, next.attempt});
  next.id = pg::insert_next_attempt(
      transaction, next, actor.name,
      "attempt " + std::to_string(next.attempt) + " of payment " + std::to_string(payment.id));
  // The reissue entry is booked against the new attempt: it funds it.
  move(transaction, actor, payment, PaymentEvent::reissue, reason, next.id);
  result.payment_id = next.id;
  result.reference = next.reference;
  result.attempt = next.attempt;
  result.method = request.method;
  result.amount = next.amount;
  if (address) {
    change_address(transaction, secrets, actor, payment, *address, next.id);
    result.address_changed = true;
  }
  pg::append_audit(transaction,
                   {actor.name, "payment.reissue", "payment", std::to_string(payment.id),
                    payment.program_id, reissue_json(result).dump()});
  return result;
}

nlohmann::json reissue_json(const ReissueResult& result) {
  return {{"previous_payment_id", result.previous_payment_id},
          {"previous_state", result.previous_state},
          {"voided", result.voided},
          {"payment_id", result.payment_id},
          {"reference", result.reference},
          {"attempt", result.attempt},
          {"method", result.method},
          {"amount_cents", result.amount.cents()},
          {"amount", domain::to_decimal_string(result.amount)},
          {"state", "allocated"},
          {"address_changed", result.address_changed}};
}

}  // namespace disburse::app
