#include "disburse/app/batches.hpp"

#include <charconv>

#include "disburse/app/views.hpp"
#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/domain/payment_state.hpp"
#include "disburse/domain/program_state.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/batches_repository.hpp"

namespace disburse::app {

namespace {

using domain::BatchState;
using domain::PaymentState;

// Maker-checker needs to know who made and who checked: the operator's anonymous shell may
// read batches but never create, approve or cancel one.
void require_named_user(const Actor& actor) {
  require(actor, domain::Permission::manage_batches);
  if (!actor.is_user()) {
    throw Forbidden("batches are created, approved and cancelled by a named user: pass --as USER");
  }
}

// The payment transition a batch operation applies to all of its payments at once.
PaymentState payment_target(PaymentState from, domain::PaymentEvent event) {
  const domain::PaymentTransition transition = domain::transition(from, event);
  DISBURSE_ASSERT(transition.ok());
  return transition.next;
}

void require_money_may_move(const std::string& status, std::int64_t program_id) {
  const auto state = domain::parse_program_state(status);
  DISBURSE_ASSERT(state.has_value());
  if (!domain::money_may_move(*state)) {
    throw Conflict("program " + std::to_string(program_id) + " is " + status +
                   ": no money moves any more");
  }
}

std::string rail_needs(domain::PaymentMethod method) {
  switch (method) {
    case domain::PaymentMethod::paypal:
      return "a PayPal payment needs the claimant's email address";
    case domain::PaymentMethod::check:
      return "a check needs the claimant's name and full mailing address";
    case domain::PaymentMethod::ach:
      return "an ACH payment needs the claimant's name and bank account";
  }
  return "";
}

domain::Batch lock_existing_batch(pg::Transaction& transaction, std::int64_t batch_id) {
  const auto batch = pg::lock_batch(transaction, batch_id);
  if (!batch) throw NotFound("no batch " + std::to_string(batch_id));
  return *batch;
}

std::string refusal(const domain::Batch& batch, domain::BatchEvent event) {
  return "batch " + std::to_string(batch.id) + " is " + std::string(domain::to_string(batch.state)) +
         ": it cannot " + std::string(domain::to_string(event)) +
         (event == domain::BatchEvent::submit ? " until a second user approves it" : "");
}

nlohmann::json audit_details(const domain::Batch& batch) {
  return {{"batch_id", batch.id},
          {"method", domain::to_string(batch.method)},
          {"items", batch.items},
          {"total_cents", batch.total.cents()}};
}

void audit(pg::Transaction& transaction, const Actor& actor, const std::string& action,
           const domain::Batch& batch, nlohmann::json details) {
  pg::append_audit(transaction, {actor.name, action, "batch", std::to_string(batch.id),
                                 batch.program_id, details.dump()});
}

}  // namespace

domain::Batch create_batch(pg::Transaction& transaction, const Actor& actor,
                           const PayoutSettings& settings, const BatchRequest& request) {
  require_named_user(actor);
  const auto method = domain::parse_payment_method(request.method);
  if (!method) throw InvalidInput("the method must be paypal, check or ach");
  const std::int64_t max_items = request.max_items.value_or(settings.batch_max_items);
  if (max_items < 1 || max_items > settings.batch_max_items) {
    throw InvalidInput("max items must be a whole number from 1 to " +
                       std::to_string(settings.batch_max_items));
  }
  const auto program = pg::lock_program_for_batching(transaction, request.program_id);
  if (!program) throw NotFound("no program " + std::to_string(request.program_id));
  require_money_may_move(program->status, request.program_id);
  const PaymentState from = PaymentState::allocated;
  const PaymentState to = payment_target(from, domain::PaymentEvent::add_to_batch);
  const auto batch = pg::create_batch_with_payments(
      transaction, {request.program_id, *method, max_items, program->currency, actor.user_id, actor.name},
      from, to);
  if (!batch) {
    throw Conflict("program " + std::to_string(request.program_id) + " has no allocated " +
                   request.method + " payment ready to batch (" + rail_needs(*method) + ")");
  }
  audit(transaction, actor, "batch.create", *batch, audit_details(*batch));
  return *batch;
}

BatchChange approve_batch(pg::Transaction& transaction, const Actor& actor,
                          std::int64_t batch_id) {
  require_named_user(actor);
  const domain::Batch batch = lock_existing_batch(transaction, batch_id);
  if (domain::check_approval(batch.created_by_user_id, actor.user_id) ==
      domain::ApprovalCheck::same_user) {
    throw Forbidden("maker-checker: " + actor.name + " created batch " + std::to_string(batch_id) +
                    ", so another user must approve it");
  }
  const domain::BatchTransition transition =
      domain::transition(batch.state, domain::BatchEvent::approve);
  if (transition.outcome == domain::TransitionOutcome::already_in_state) return {batch, false};
  if (!transition.ok()) throw Conflict(refusal(batch, domain::BatchEvent::approve));
  pg::record_batch_approval(transaction, batch_id, batch.state, transition.next, actor.user_id,
                            actor.name);
  audit(transaction, actor, "batch.approve", batch, audit_details(batch));
  return {*pg::find_batch(transaction, batch_id), true};
}

BatchChange cancel_batch(pg::Transaction& transaction, const Actor& actor,
                         std::int64_t batch_id) {
  require_named_user(actor);
  const domain::Batch batch = lock_existing_batch(transaction, batch_id);
  const domain::BatchTransition transition =
      domain::transition(batch.state, domain::BatchEvent::cancel);
  if (transition.outcome == domain::TransitionOutcome::already_in_state) return {batch, false};
  if (!transition.ok()) throw Conflict(refusal(batch, domain::BatchEvent::cancel));
  const PaymentState from = PaymentState::batched;
  const pg::MovedPayments moved = pg::release_batch_payments(
      transaction, batch_id,
      {from, payment_target(from, domain::PaymentEvent::remove_from_batch), actor.name,
       "batch " + std::to_string(batch_id) + " cancelled"});
  // A draft or approved batch holds exactly the payments it was created with.
  DISBURSE_ASSERT(moved.count == batch.items && moved.total == batch.total);
  pg::record_batch_state(transaction, batch_id, batch.state, transition.next);
  audit(transaction, actor, "batch.cancel", batch, audit_details(batch));
  return {*pg::find_batch(transaction, batch_id), true};
}

domain::Batch show_batch(pg::Database& database, const Actor& actor, std::int64_t batch_id) {
  require(actor, domain::Permission::read_program);
  const auto batch = database.read(
      [&](pg::Transaction& transaction) { return pg::find_batch(transaction, batch_id); });
  if (!batch) throw NotFound("no batch " + std::to_string(batch_id));
  return *batch;
}

std::vector<domain::Batch> list_batches(pg::Database& database, const Actor& actor,
                                        std::int64_t program_id, int limit) {
  require(actor, domain::Permission::read_program);
  return database.read([&](pg::Transaction& transaction) {
    return pg::list_batches(transaction, program_id, limit);
  });
}

std::chrono::year_month_day parse_date(const std::string& text, const std::string& what) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  const char* end = text.data() + text.size();
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      std::from_chars(text.data(), text.data() + 4, year).ptr == text.data() + 4 &&
                      std::from_chars(text.data() + 5, text.data() + 7, month).ptr == text.data() + 7 &&
                      std::from_chars(text.data() + 8, end, day).ptr == end;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!shaped || !date.ok()) throw InvalidInput(what + " must be a date such as 2024-04-15");
  return date;
}

nlohmann::json batch_json(const domain::Batch& batch) {
  nlohmann::json object = {{"batch_id", batch.id},
                           {"program_id", batch.program_id},
                           {"method", domain::to_string(batch.method)},
                           {"state", domain::to_string(batch.state)},
                           {"items", batch.items},
                           {"currency", batch.currency},
                           {"created_by", batch.created_by},
                           {"created_at", batch.created_at},
                           {"approved_by", batch.approved_by},
                           {"approved_at", batch.approved_at},
                           {"submitted_at", batch.submitted_at}};
  put_money(object, "total", batch.total);
  return object;
}

nlohmann::json batch_files_json(const BatchFiles& files) {
  nlohmann::json object = batch_json(files.batch);
  object["produced"] = files.produced;
  nlohmann::json parts = nlohmann::json::array();
  for (const domain::BatchFile& file : files.files) {
    parts.push_back({{"part", file.part},
                     {"file_name", file.file_name},
                     {"content_type", file.content_type},
                     {"sha256", file.sha256},
                     {"size_bytes", file.content.size()}});
  }
  object["files"] = parts;
  return object;
}

}  // namespace disburse::app
