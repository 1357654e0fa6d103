#include "disburse/pg/expiry_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"
#include "disburse/pg/jobs_repository.hpp"

namespace disburse::pg {

namespace {

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string literal = "{";
  for (const std::int64_t id : ids) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(id);
  }
  return literal + "}";
}

}  // namespace

std::vector<ExpiryCandidate> lock_expiry_candidates(Transaction& transaction,
                                                    std::int64_t program_id,
                                                    std::int64_t submitted_before_epoch_seconds) {
  std::vector<ExpiryCandidate> candidates;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT id, method, state, amount_cents, extract(epoch FROM submitted_at)::bigint "
           "FROM payments WHERE program_id = $1 AND submitted_at < to_timestamp($2) AND "
           "((method = 'paypal' AND state IN ('submitted', 'unclaimed')) OR "
           " (method IN ('check', 'ach') AND state = 'submitted')) ORDER BY id FOR UPDATE",
           program_id, submitted_before_epoch_seconds)) {
    ExpiryCandidate candidate;
    candidate.id = row[0].as<std::int64_t>();
    const auto method = domain::parse_payment_method(row[1].as<std::string>());
    const auto state = domain::parse_payment_state(row[2].as<std::string>());
    DISBURSE_ASSERT(method.has_value() && state.has_value());
    candidate.method = *method;
    candidate.state = *state;
    candidate.amount = domain::Money::from_cents(row[3].as<std::int64_t>());
    candidate.submitted_at_epoch_seconds = row[4].as<std::int64_t>();
    candidates.push_back(candidate);
  }
  return candidates;
}

std::int64_t move_payments(Transaction& transaction, const std::vector<std::int64_t>& payment_ids,
                           domain::PaymentState from, domain::PaymentState to,
                           const std::string& actor, const std::string& reason) {
  if (payment_ids.empty()) return 0;
  return transaction.sql()
      .exec_params1(
          "WITH moved AS (UPDATE payments SET state = $3, state_changed_at = now(), "
          "  paid_at = CASE WHEN $3 = 'paid' THEN now() ELSE paid_at END "
          "  WHERE id = ANY($1::bigint[]) AND state = $2 RETURNING id), "
          "events AS (INSERT INTO payment_events (payment_id, from_state, to_state, actor, "
          "  reason) SELECT id, $2, $3, $4, $5 FROM moved) "
          "SELECT count(*) FROM moved",
          id_array(payment_ids), std::string(domain::to_string(from)),
          std::string(domain::to_string(to)), actor, reason)[0]
      .as<std::int64_t>();
}

std::vector<std::int64_t> distributing_program_ids(Transaction& transaction) {
  std::vector<std::int64_t> ids;
  for (const auto& row : transaction.sql().exec(
           "SELECT id FROM programs WHERE status = 'distributing' ORDER BY id")) {
    ids.push_back(row[0].as<std::int64_t>());
  }
  return ids;
}

}  // namespace disburse::pg
