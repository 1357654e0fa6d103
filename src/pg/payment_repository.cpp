#include "disburse/pg/payment_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"

namespace disburse::pg {

namespace {

constexpr const char* payment_columns =
    "id, program_id, claimant_id, round, attempt, run_id, method, amount_cents, currency, state, "
    "reference, coalesce(batch_id, 0), coalesce(previous_payment_id, 0)";

std::optional<PaymentRecord> first_payment(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows[0];
  PaymentRecord payment;
  payment.id = row[0].as<std::int64_t>();
  payment.program_id = row[1].as<std::int64_t>();
  payment.claimant_id = row[2].as<std::int64_t>();
  payment.round = row[3].as<int>();
  payment.attempt = row[4].as<int>();
  payment.run_id = row[5].as<std::int64_t>();
  const auto method = domain::parse_payment_method(row[6].as<std::string>());
  const auto state = domain::parse_payment_state(row[9].as<std::string>());
  DISBURSE_ASSERT(method.has_value() && state.has_value());
  payment.method = *method;
  payment.amount = domain::Money::from_cents(row[7].as<std::int64_t>());
  payment.currency = row[8].as<std::string>();
  payment.state = *state;
  payment.reference = row[10].as<std::string>();
  payment.batch_id = row[11].as<std::int64_t>();
  payment.previous_payment_id = row[12].as<std::int64_t>();
  return payment;
}

}  // namespace

std::optional<PaymentRecord> find_payment(Transaction& transaction, std::int64_t payment_id) {
  return first_payment(transaction.sql().exec_params(
      std::string("SELECT ") + payment_columns + " FROM payments WHERE id = $1", payment_id));
}

std::optional<PaymentRecord> lock_payment(Transaction& transaction, std::int64_t payment_id) {
  return first_payment(transaction.sql().exec_params(
      std::string("SELECT ") + payment_columns + " FROM payments WHERE id = $1 FOR UPDATE",
      payment_id));
}

std::int64_t insert_next_attempt(Transaction& transaction, const PaymentRecord& next,
                                 const std::string& actor, const std::string& reason) {
  return transaction.sql()
      .exec_params1(
          "WITH created AS (INSERT INTO payments (program_id, claimant_id, round, attempt, "
          "  run_id, method, amount_cents, currency, state, reference, previous_payment_id) "
          "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'allocated', $9, $10) RETURNING id), "
          "events AS (INSERT INTO payment_events (payment_id, from_state, to_state, actor, "
          "  reason) SELECT id, NULL, 'allocated', $11, $12 FROM created) "
          "SELECT id FROM created",
          next.program_id, next.claimant_id, next.round, next.attempt, next.run_id,
          std::string(domain::to_string(next.method)), next.amount.cents(), next.currency,
          next.reference, next.previous_payment_id, actor, reason)[0]
      .as<std::int64_t>();
}

}  // namespace disburse::pg
