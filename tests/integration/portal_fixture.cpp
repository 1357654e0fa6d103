#include "portal_fixture.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/claim_number.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::testing {

namespace {

std::string flags_literal(const std::vector<std::string>& flags) {
  std::string literal = "{";
  for (const auto& flag : flags) literal += (literal.size() > 1 ? "," : "") + flag;
  return literal + "}";
}

std::int64_t insert_returning_id(TestDatabase& database, const std::string& sql,
                                 const std::vector<std::string>& values) {
  pqxx::connection connection(database.url());
  pqxx::work transaction(connection);
  const std::int64_t id =
      transaction.exec_params1(sql, pqxx::prepare::make_dynamic_params(values))[0].as<std::int64_t>();
  transaction.commit();
  return id;
}

}  // namespace

std::string unused_claim_number() {
  security::initialize();
  return domain::make_claim_number(security::random_bytes(domain::claim_number_random_bytes));
}

std::string with_typo(const std::string& claim_number) {
  std::string typo = claim_number;
  typo.back() = typo.back() == '0' ? '1' : '0';
  return typo;
}

std::int64_t seed_program(TestDatabase& database, const std::string& name) {
  const std::int64_t program_id = insert_returning_id(
      database,
      "INSERT INTO programs (name, currency, fund_cents, reserve_cents, status) "
      "VALUES ($1, 'USD', 580000000, 20000000, 'distributing') RETURNING id",
      {name});
  insert_returning_id(
      database,
      "INSERT INTO allocation_runs (program_id, round, state, seed, distributable_cents, "
      "min_payment_cents, weighting_rule, allocated_cents, claimants_paid, claimants_dropped, "
      "weight_total, inputs_sha256, output_sha256, created_by) VALUES ($1::bigint, 1, 'approved', "
      "1, 560000000, 1000, '', 560000000, 1, 0, 1, 'x', 'y', 'test') RETURNING id",
      {std::to_string(program_id)});
  return program_id;
}

SeededClaimant seed_claimant(TestDatabase& database, std::int64_t program_id,
                             const ClaimantSpec& spec) {
  SeededClaimant claimant;
  claimant.claim_number = unused_claim_number();
  claimant.zip5 = spec.postal_code.substr(0, 5);
  claimant.last_name = spec.last_name;
  claimant.id = insert_returning_id(
      database,
      "INSERT INTO claimants (program_id, customer_id, claim_number, claim_state, review_flags, "
      "payment_method, first_name, last_name, email, address1, city, state, postal_code, "
      "record_fingerprint, portal_zip5) VALUES ($1::bigint, $2, $2, $3, $4::text[], $5, $6, $7, "
      "$8, $9, $10, $11, $12, 'fingerprint', $13) RETURNING id",
      {std::to_string(program_id), claimant.claim_number, spec.claim_state,
       flags_literal(spec.review_flags), spec.payment_method, spec.first_name, spec.last_name,
       spec.email, spec.address1, spec.city, spec.state, spec.postal_code, claimant.zip5});
  return claimant;
}

std::int64_t seed_payment(TestDatabase& database, const SeededClaimant& claimant,
                          const PaymentSpec& spec) {
  const std::string submitted = spec.submitted_at_epoch_seconds == 0
                                    ? ""
                                    : std::to_string(spec.submitted_at_epoch_seconds);
  return insert_returning_id(
      database,
      "INSERT INTO payments (program_id, claimant_id, round, attempt, run_id, method, "
      "amount_cents, currency, state, reference, submitted_at) SELECT c.program_id, c.id, 1, "
      "$2::int, (SELECT max(id) FROM allocation_runs WHERE program_id = c.program_id), $3, "
      "$4::bigint, 'USD', $5, 'ref-' || c.id || '-' || $2, "
      "CASE WHEN $6 = '' THEN NULL ELSE to_timestamp($6::bigint) END "
      "FROM claimants c WHERE c.id = $1::bigint RETURNING id",
      {std::to_string(claimant.id), std::to_string(spec.attempt), spec.method,
       std::to_string(spec.amount_cents), spec.state, submitted});
}

}  // namespace disburse::testing
