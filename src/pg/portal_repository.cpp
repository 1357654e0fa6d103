#include "disburse/pg/portal_repository.hpp"

#include <pqxx/pqxx>

#include "array_literal.hpp"

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

namespace {

constexpr const char* lookup_statement = "portal_lookup";

// The buckets that are over the limit decide retry_after; the claim is joined only when none
// is, so that a blocked client learns nothing. The latest attempt of the latest round is the
// payment the customer cares about. A purge erases the ZIP but keeps the claim number, so a
// claim number of a purged program is recognised alone: the answer then says only that.
constexpr const char* lookup_sql =
    "WITH blocked AS ("
    " SELECT max(ceil(extract(epoch FROM r.window_started_at + $4 * interval '1 second' - "
    "now())))::int AS retry_after_seconds FROM portal_rate_limits r"
    " WHERE r.bucket = ANY($3::text[]) AND r.failures >= $5"
    " AND r.window_started_at > now() - $4 * interval '1 second')"
    " SELECT b.retry_after_seconds, c.id, c.program_id, pr.name, c.claim_number, c.last_name,"
    " c.claim_state, extract(epoch FROM c.cure_deadline)::bigint, pr.paypal_window_days,"
    " pr.check_window_days, p.id, p.state, p.method, p.amount_cents, p.currency, p.round,"
    " p.attempt, extract(epoch FROM p.submitted_at)::bigint, extract(epoch FROM p.paid_at)::bigint,"
    " cr.kind, extract(epoch FROM cr.created_at)::bigint, c.address1, c.city, c.state,"
    " pr.status, g.id IS NOT NULL"
    " FROM blocked b"
    " LEFT JOIN claimants c ON b.retry_after_seconds IS NULL AND c.claim_number = $1"
    " AND c.portal_zip5 = $2 AND c.purged_at IS NULL"
    " LEFT JOIN claimants g ON b.retry_after_seconds IS NULL AND c.id IS NULL"
    " AND g.claim_number = $1 AND g.purged_at IS NOT NULL"
    " LEFT JOIN programs pr ON pr.id = c.program_id"
    " LEFT JOIN LATERAL (SELECT * FROM payments WHERE claimant_id = c.id"
    " ORDER BY round DESC, attempt DESC LIMIT 1) p ON true"
    " LEFT JOIN LATERAL (SELECT kind, created_at FROM portal_change_requests"
    " WHERE claimant_id = c.id AND state = 'pending' ORDER BY id DESC LIMIT 1) cr ON true";

std::optional<std::int64_t> optional_int64(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::int64_t>();
}

domain::PortalPayment read_payment(const pqxx::row& row) {
  domain::PortalPayment payment;
  payment.payment_id = row[10].as<std::int64_t>();
  const auto state = domain::parse_payment_state(row[11].as<std::string>());
  const auto method = domain::parse_payment_method(row[12].as<std::string>());
  DISBURSE_ASSERT(state.has_value() && method.has_value());
  payment.state = *state;
  payment.method = *method;
  payment.amount = domain::Money::from_cents(row[13].as<std::int64_t>());
  payment.currency = row[14].as<std::string>();
  payment.round = row[15].as<int>();
  payment.attempt = row[16].as<int>();
  payment.submitted_at_epoch_seconds = optional_int64(row[17]);
  payment.paid_at_epoch_seconds = optional_int64(row[18]);
  return payment;
}

PortalClaim read_portal_claim(const pqxx::row& row) {
  PortalClaim claim;
  claim.claimant_id = row[1].as<std::int64_t>();
  claim.program_id = row[2].as<std::int64_t>();
  claim.program_name = row[3].as<std::string>();
  claim.claim_number = row[4].as<std::string>();
  claim.last_name = row[5].is_null() ? "" : row[5].as<std::string>();
  const auto state = domain::parse_claim_state(row[6].as<std::string>());
  DISBURSE_ASSERT(state.has_value());
  claim.facts.claim_state = *state;
  claim.facts.cure_deadline_epoch_seconds = optional_int64(row[7]);
  claim.facts.paypal_window_days = row[8].as<std::int64_t>();
  claim.facts.check_window_days = row[9].as<std::int64_t>();
  if (!row[10].is_null()) claim.facts.payment = read_payment(row);
  if (!row[19].is_null()) {
    claim.pending_change_kind = row[19].as<std::string>();
    claim.pending_change_at_epoch_seconds = row[20].as<std::int64_t>();
  }
  claim.facts.change_request_pending = claim.pending_change_kind.has_value();
  for (int column = 21; column <= 23; column++) {
    claim.mailing_address.push_back(row[column].is_null() ? "" : row[column].as<std::string>());
  }
  claim.program_closed =
      row[24].as<std::string>() != "distributing" && row[24].as<std::string>() != "setup";
  return claim;
}

PortalLookup run_lookup(pqxx::connection_base& connection, const std::string& claim_number,
                        const std::string& zip5, const std::vector<std::string>& buckets,
                        const RateLimitSettings& limits) {
  // Registering the same definition again is a no-op in libpqxx; the server prepares it once
  // per connection, on first use.
  connection.prepare(lookup_statement, lookup_sql);
  pqxx::nontransaction transaction(connection);
  const pqxx::result rows = transaction.exec_prepared(lookup_statement, claim_number, zip5,
                                                      plain_text_array(buckets), limits.window_seconds,
                                                      limits.max_failures);
  DISBURSE_ASSERT(rows.size() == 1);
  PortalLookup lookup;
  if (!rows[0][0].is_null()) lookup.retry_after_seconds = std::max(1, rows[0][0].as<int>());
  if (!rows[0][1].is_null()) lookup.claim = read_portal_claim(rows[0]);
  lookup.program_purged = !rows[0][25].is_null() && rows[0][25].as<bool>();
  return lookup;
}

}  // namespace

PortalLookup lookup_portal_claim(Database& database, const std::string& claim_number,
                                 const std::string& zip5, const std::vector<std::string>& buckets,
                                 const RateLimitSettings& limits) {
  for (int attempt = 1;; attempt++) {
    auto lease = database.pool().acquire();
    try {
      return run_lookup(lease.connection(), claim_number, zip5, buckets, limits);
    } catch (const pqxx::broken_connection&) {
      lease.connection().disconnect();
      // The lookup only reads, so asking once more on a fresh connection is safe.
      if (attempt >= 2) throw Unavailable("the database connection was lost");
    } catch (const pqxx::sql_error& error) {
      if (error.sqlstate() == "57014") {
        throw Unavailable("the database did not answer within the statement timeout");
      }
      throw;
    }
  }
}

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
