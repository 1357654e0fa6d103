#include "disburse/pg/throttle_repository.hpp"

#include <pqxx/pqxx>

#include "array_literal.hpp"

namespace disburse::pg {

std::optional<int> throttle_retry_after(Transaction& transaction,
                                        const std::vector<std::string>& buckets,
                                        const RateLimitSettings& limits) {
  const pqxx::row row = transaction.sql().exec_params1(
      "SELECT max(ceil(extract(epoch FROM window_started_at + $2 * interval '1 second' - "
      "now())))::int FROM portal_rate_limits WHERE bucket = ANY($1::text[]) AND failures >= $3 "
      "AND window_started_at > now() - $2 * interval '1 second'",
      plain_text_array(buckets), limits.window_seconds, limits.max_failures);
  if (row[0].is_null()) return std::nullopt;
  return std::max(1, row[0].as<int>());
}

}  // namespace disburse::pg
