#include "disburse/pg/portal_lookups.hpp"

#include <pqxx/pqxx>

#include "array_literal.hpp"

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

namespace {

constexpr const char* lookup_statement = "portal_lookup_batch";

// A bucket's seconds until it may try again, when it is over the limit: one primary-key probe
// of portal_rate_limits, $5 being the window and $6 the failures allowed in it.
std::string retry_after_of(const char* bucket) {
  return std::string("(SELECT ceil(extract(epoch FROM r.window_started_at + $5 * interval '1 second' "
                     "- now()))::int FROM portal_rate_limits r WHERE r.bucket = ") +
         bucket + " AND r.failures >= $6 AND r.window_started_at > now() - $5 * interval '1 second')";
}

// One row for each lookup of the batch ($1 claim numbers, $2 ZIPs, $3 address buckets, $4 claim
// buckets, in the same order), numbered by its last column.
// - The two buckets decide retry_after; the claim is joined only when neither is over the
//   limit, so that a blocked client learns nothing. OFFSET 0 keeps that subquery from being
//   inlined, which would evaluate it twice.
// - The claim number is unique and looked up once: `k` is that claimant whatever its ZIP, `c`
//   the same row only when the ZIP matches and the program is not purged. A purge erases the ZIP
//   but keeps the claim number, so a claim number of a purged program is recognised alone: the
//   answer then says only that.
// - The latest attempt of the latest round is the payment the customer cares about.
// - Every probe is one descent of an index, without a sort (migration 0009).
// - The arrays are read through a subquery so that the planner estimates the batch's size the
//   same way whatever it is: a custom plan for each batch would cost more than the batch.
const std::string lookup_sql =
    "SELECT b.retry_after_seconds, c.id, c.program_id, pr.name, c.claim_number, c.last_name,"
    " c.claim_state, extract(epoch FROM c.cure_deadline)::bigint, pr.paypal_window_days,"
    " pr.check_window_days, p.id, p.state, p.method, p.amount_cents, p.currency, p.round,"
    " p.attempt, extract(epoch FROM p.submitted_at)::bigint, extract(epoch FROM p.paid_at)::bigint,"
    " cr.kind, extract(epoch FROM cr.created_at)::bigint, c.address1, c.city, c.state,"
    " pr.status, k.purged_at IS NOT NULL, q.position"
    " FROM unnest((SELECT $1::text[]), (SELECT $2::text[]), (SELECT $3::text[]),"
    " (SELECT $4::text[])) WITH ORDINALITY AS q(claim_number, zip5, address_bucket, claim_bucket,"
    " position)"
    " CROSS JOIN LATERAL (SELECT GREATEST(" + retry_after_of("q.address_bucket") + ", " +
    retry_after_of("q.claim_bucket") + ") AS retry_after_seconds OFFSET 0) b"
    " LEFT JOIN claimants k ON b.retry_after_seconds IS NULL AND k.claim_number = q.claim_number"
    " LEFT JOIN LATERAL (SELECT k.id, k.program_id, k.claim_number, k.last_name, k.claim_state,"
    " k.cure_deadline, k.address1, k.city, k.state"
    " WHERE k.portal_zip5 = q.zip5 AND k.purged_at IS NULL) c ON true"
    " LEFT JOIN programs pr ON pr.id = c.program_id"
    " LEFT JOIN LATERAL (SELECT id, state, method, amount_cents, currency, round, attempt,"
    " submitted_at, paid_at FROM payments WHERE claimant_id = c.id"
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

PortalLookup read_lookup(const pqxx::row& row) {
  PortalLookup lookup;
  if (!row[0].is_null()) lookup.retry_after_seconds = std::max(1, row[0].as<int>());
  if (!row[1].is_null()) lookup.claim = read_portal_claim(row);
  lookup.program_purged = !row[25].is_null() && row[25].as<bool>();
  return lookup;
}

// The batch's answers, in its order: the statement gives each lookup exactly one row.
std::vector<PortalLookup> run_batch(pqxx::connection_base& connection,
                                    const std::vector<const PortalLookupKey*>& keys,
                                    const RateLimitSettings& limits) {
  std::vector<std::string> claim_numbers, zip5s, address_buckets, claim_buckets;
  for (const PortalLookupKey* key : keys) {
    claim_numbers.push_back(key->claim_number);
    zip5s.push_back(key->zip5);
    address_buckets.push_back(key->address_bucket);
    claim_buckets.push_back(key->claim_bucket);
  }
  // Registering the same definition again is a no-op in libpqxx; the server prepares it once
  // per connection, on first use.
  connection.prepare(lookup_statement, lookup_sql);
  pqxx::nontransaction transaction(connection);
  const pqxx::result rows = transaction.exec_prepared(
      lookup_statement, plain_text_array(claim_numbers), plain_text_array(zip5s),
      plain_text_array(address_buckets), plain_text_array(claim_buckets), limits.window_seconds,
      limits.max_failures);
  DISBURSE_ASSERT(rows.size() == keys.size());
  std::vector<std::optional<PortalLookup>> answers(keys.size());
  for (const pqxx::row& row : rows) {
    const auto position = row[26].as<std::size_t>();
    DISBURSE_ASSERT(position >= 1 && position <= keys.size() && !answers[position - 1]);
    answers[position - 1] = read_lookup(row);
  }
  std::vector<PortalLookup> ordered;
  for (auto& answer : answers) ordered.push_back(std::move(*answer));
  return ordered;
}

// The lookups only read, so asking once more on a fresh connection after a lost one is safe.
std::vector<PortalLookup> run_batch_on_pool(Database& database,
                                            const std::vector<const PortalLookupKey*>& keys,
                                            const RateLimitSettings& limits) {
  for (int attempt = 1;; attempt++) {
    auto lease = database.pool().acquire();
    try {
      return run_batch(lease.connection(), keys, limits);
    } catch (const pqxx::broken_connection&) {
      lease.connection().disconnect();
      if (attempt >= 2) throw Unavailable("the database connection was lost");
    } catch (const pqxx::sql_error& error) {
      if (error.sqlstate() == "57014") {
        throw Unavailable("the database did not answer within the statement timeout");
      }
      throw;
    }
  }
}

}  // namespace

PortalLookups::PortalLookups(Database& database, RateLimitSettings limits, int threads)
    : database_(database), limits_(limits) {
  DISBURSE_ASSERT(threads >= 1);
  for (int index = 0; index < threads; index++) threads_.emplace_back([this] { work(); });
}

PortalLookups::~PortalLookups() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

PortalLookup PortalLookups::lookup(PortalLookupKey key) {
  std::future<PortalLookup> answer;
  {
    std::lock_guard lock(mutex_);
    DISBURSE_ASSERT(!stopping_);
    queue_.push_back(Pending{std::move(key), {}});
    answer = queue_.back().answer.get_future();
  }
  queued_.notify_one();
  return answer.get();
}

void PortalLookups::work() {
  std::vector<Pending> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      // What is queued when stopping is still answered, so that no request waits forever.
      if (queue_.empty()) return;
      while (!queue_.empty() && batch.size() < max_batch_size) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    answer(batch);
    batch.clear();
  }
}

void PortalLookups::answer(std::vector<Pending>& batch) {
  std::vector<const PortalLookupKey*> keys;
  for (const Pending& pending : batch) keys.push_back(&pending.key);
  try {
    std::vector<PortalLookup> answers = run_batch_on_pool(database_, keys, limits_);
    statements_++;
    lookups_ += static_cast<std::int64_t>(batch.size());
    for (std::size_t index = 0; index < batch.size(); index++) {
      batch[index].answer.set_value(std::move(answers[index]));
    }
  } catch (...) {
    // Every lookup of the batch fails the same way, as it would have alone.
    for (Pending& pending : batch) pending.answer.set_exception(std::current_exception());
  }
}

}  // namespace disburse::pg
