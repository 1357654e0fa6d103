#include "disburse/pg/portal_repository.hpp"

#include <pqxx/pqxx>

#include "array_literal.hpp"

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

void record_lookup_failure(Transaction& transaction, const std::vector<std::string>& buckets,
                           const RateLimitSettings& limits) {
  transaction.sql().exec_params0(
      "INSERT INTO portal_rate_limits (bucket, window_started_at, failures) "
      "SELECT bucket, now(), 1 FROM unnest($1::text[]) AS bucket "
      "ON CONFLICT (bucket) DO UPDATE SET "
      "failures = CASE WHEN portal_rate_limits.window_started_at <= now() - $2 * interval "
      "'1 second' THEN 1 ELSE portal_rate_limits.failures + 1 END, "
      "window_started_at = CASE WHEN portal_rate_limits.window_started_at <= now() - $2 * "
      "interval '1 second' THEN now() ELSE portal_rate_limits.window_started_at END",
      plain_text_array(buckets), limits.window_seconds);
}

ChangeRequestRecord insert_change_request(Transaction& transaction, std::int64_t claimant_id,
                                          std::optional<std::int64_t> payment_id,
                                          const std::string& kind,
                                          const std::optional<std::string>& details_sealed) {
  const std::optional<std::string> payment_text =
      payment_id ? std::optional<std::string>(std::to_string(*payment_id)) : std::nullopt;
  const pqxx::row row = transaction.sql().exec_params1(
      "INSERT INTO portal_change_requests (claimant_id, payment_id, kind, details_sealed) "
      "VALUES ($1, $2::bigint, $3, $4) RETURNING id, extract(epoch FROM created_at)::bigint",
      claimant_id, payment_text ? payment_text->c_str() : nullptr, kind,
      details_sealed ? details_sealed->c_str() : nullptr);
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>()};
}

void lock_claimant(Transaction& transaction, std::int64_t claimant_id) {
  transaction.sql().exec_params("SELECT 1 FROM claimants WHERE id = $1 FOR UPDATE", claimant_id);
}

std::vector<std::string> list_open_program_names(Transaction& transaction) {
  std::vector<std::string> names;
  for (const auto& row : transaction.sql().exec(
           "SELECT name FROM programs WHERE status IN ('setup', 'distributing') ORDER BY id")) {
    names.push_back(row[0].as<std::string>());
  }
  return names;
}

std::int64_t delete_expired_rate_limits(Transaction& transaction, const RateLimitSettings& limits) {
  return static_cast<std::int64_t>(
      transaction.sql()
          .exec_params("DELETE FROM portal_rate_limits WHERE window_started_at <= now() - $1 * "
                       "interval '1 second'",
                       limits.window_seconds)
          .affected_rows());
}

}  // namespace disburse::pg
