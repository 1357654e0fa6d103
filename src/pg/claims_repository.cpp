#include "disburse/pg/claims_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

namespace {

constexpr const char* claim_columns =
    "id, program_id, claim_number, customer_id, claim_state, review_flags, "
    "extract(epoch FROM cure_deadline)::bigint AS cure_deadline, payment_method, first_name, "
    "last_name, email, phone, address1, address2, city, state, postal_code, "
    "purged_at IS NOT NULL AS purged";

std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.as<std::string>();
}

// A text[] value as written by PostgreSQL. Review flags are reason codes (lower-case words with
// underscores), so they never need quoting.
std::vector<std::string> parse_flags(const pqxx::field& field) {
  std::vector<std::string> flags;
  auto parser = field.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done;
       item = parser.get_next()) {
    if (item.first == pqxx::array_parser::string_value) flags.push_back(item.second);
  }
  return flags;
}

domain::Claim read_claim(const pqxx::row& row) {
  domain::Claim claim;
  claim.claimant_id = row["id"].as<std::int64_t>();
  claim.program_id = row["program_id"].as<std::int64_t>();
  claim.claim_number = row["claim_number"].as<std::string>();
  claim.customer_id = row["customer_id"].as<std::string>();
  const auto state = domain::parse_claim_state(row["claim_state"].as<std::string>());
  DISBURSE_ASSERT(state.has_value());
  claim.state = *state;
  claim.review_flags = parse_flags(row["review_flags"]);
  if (!row["cure_deadline"].is_null()) {
    claim.cure_deadline_epoch_seconds = row["cure_deadline"].as<std::int64_t>();
  }
  claim.payment_method = row["payment_method"].as<std::string>();
  domain::ClaimantPersonalData& personal = claim.personal;
  personal.first_name = text_or_empty(row["first_name"]);
  personal.last_name = text_or_empty(row["last_name"]);
  personal.email = text_or_empty(row["email"]);
  personal.phone = text_or_empty(row["phone"]);
  personal.address1 = text_or_empty(row["address1"]);
  personal.address2 = text_or_empty(row["address2"]);
  personal.city = text_or_empty(row["city"]);
  personal.state = text_or_empty(row["state"]);
  personal.postal_code = text_or_empty(row["postal_code"]);
  claim.purged = row["purged"].as<bool>();
  return claim;
}

// libpqxx 6.4 has no std::optional parameters; a null const char* is sent as SQL NULL.
const char* nullable(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

// A LIKE pattern matching every text that starts with `prefix`: its wildcards and the escape
// character itself (backslash, LIKE's default) are escaped so that they match only themselves.
std::string like_prefix_pattern(std::string_view prefix) {
  std::string pattern;
  pattern.reserve(prefix.size() + 8);
  for (const char character : prefix) {
    if (character == '\\' || character == '%' || character == '_') pattern.push_back('\\');
    pattern.push_back(character);
  }
  pattern.push_back('%');
  return pattern;
}

std::vector<domain::Claim> read_claims(const pqxx::result& rows) {
  std::vector<domain::Claim> claims;
  claims.reserve(rows.size());
  for (const auto& row : rows) claims.push_back(read_claim(row));
  return claims;
}

std::optional<domain::Claim> first_claim(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_claim(rows[0]);
}

}  // namespace

std::optional<domain::Claim> find_claim(Transaction& transaction, const std::string& claim_number) {
  return first_claim(transaction.sql().exec_params(
      std::string("SELECT ") + claim_columns + " FROM claimants WHERE claim_number = $1",
      claim_number));
}

std::optional<domain::Claim> lock_claim(Transaction& transaction, const std::string& claim_number) {
  return first_claim(transaction.sql().exec_params(
      std::string("SELECT ") + claim_columns +
          " FROM claimants WHERE claim_number = $1 FOR UPDATE",
      claim_number));
}

std::vector<domain::Claim> list_claims(Transaction& transaction, const ClaimFilter& filter) {
  // NULL parameters switch a condition off, so that one statement serves every filter. The
  // statement is unnamed, so PostgreSQL plans it with the values given: a switched-off condition
  // folds away and the search's own index is chosen (the last-name prefix needs its pattern to
  // be a constant at planning for the index on lower(last_name) text_pattern_ops).
  const std::optional<std::string> state =
      filter.state ? std::optional<std::string>(std::string(domain::to_string(*filter.state)))
                   : std::nullopt;
  const std::optional<std::string> last_name_pattern =
      filter.last_name_prefix
          ? std::optional<std::string>(like_prefix_pattern(*filter.last_name_prefix))
          : std::nullopt;
  return read_claims(transaction.sql().exec_params(
      std::string("SELECT ") + claim_columns +
          " FROM claimants WHERE program_id = $1 AND ($2::text IS NULL OR claim_state = $2) "
          "AND ($3::text IS NULL OR $3 = ANY(review_flags)) AND id > $4 "
          "AND ($6::text IS NULL OR claim_number = $6) "
          "AND ($7::text IS NULL OR lower(last_name) LIKE lower($7)) "
          "AND ($8::text IS NULL OR email_key = $8) "
          "AND ($9::text IS NULL OR portal_zip5 = $9) "
          "ORDER BY id LIMIT $5",
      filter.program_id, nullable(state), nullable(filter.review_flag), filter.after_claimant_id,
      filter.limit, nullable(filter.claim_number), nullable(last_name_pattern),
      nullable(filter.email_key), nullable(filter.zip5)));
}

std::int64_t record_claim_state_change(Transaction& transaction, const ClaimStateChange& change) {
  const std::optional<std::string> deadline =
      change.cure_deadline_epoch_seconds
          ? std::optional<std::string>(std::to_string(*change.cure_deadline_epoch_seconds))
          : std::nullopt;
  transaction.sql().exec_params0(
      "UPDATE claimants SET claim_state = $2, "
      "cure_deadline = CASE WHEN $3::bigint IS NULL THEN NULL ELSE to_timestamp($3::bigint) END "
      "WHERE id = $1",
      change.claimant_id, std::string(domain::to_string(change.to)), nullable(deadline));
  return transaction.sql()
      .exec_params1("INSERT INTO claim_events (claimant_id, from_state, to_state, reason, actor, "
                    "occurred_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6)) RETURNING id",
                    change.claimant_id, std::string(domain::to_string(change.from)),
                    std::string(domain::to_string(change.to)), change.reason, change.actor,
                    change.occurred_at_epoch_seconds)[0]
      .as<std::int64_t>();
}

std::vector<domain::Claim> lock_claims_past_cure_deadline(Transaction& transaction,
                                                          std::int64_t now_epoch_seconds,
                                                          int limit) {
  return read_claims(transaction.sql().exec_params(
      std::string("SELECT ") + claim_columns +
          " FROM claimants WHERE claim_state = 'deficient' AND cure_deadline < to_timestamp($1) "
          "ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
      now_epoch_seconds, limit));
}

// OFFSET 0 keeps the lateral subquery whole, so that each payment's id reaches both halves of
// the payment_history view as a value and each half is an index lookup: flattened into a join,
// the planner hashed the whole view, a scan of every payment per claim page.
std::vector<domain::ClaimHistoryEntry> claim_history(Transaction& transaction,
                                                     std::int64_t claimant_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT kind, extract(epoch FROM occurred_at)::bigint, subject_id, from_state, to_state, "
      "reason, actor FROM ("
      " SELECT 'claim' AS kind, occurred_at, id AS subject_id, coalesce(from_state, '') AS "
      "from_state, to_state, reason, actor, id AS sequence FROM claim_events WHERE claimant_id = $1"
      " UNION ALL"
      " SELECT 'payment', h.occurred_at, h.payment_id, coalesce(h.from_state, ''), h.to_state, "
      "h.reason, h.actor, h.event_id FROM payments p CROSS JOIN LATERAL ("
      "  SELECT * FROM payment_history h WHERE h.payment_id = p.id OFFSET 0) h "
      "WHERE p.claimant_id = $1"
      " UNION ALL"
      " SELECT 'change_request', created_at, id, '', state, kind, 'customer', id "
      "FROM portal_change_requests WHERE claimant_id = $1"
      ") history ORDER BY occurred_at, kind, sequence",
      claimant_id);
  std::vector<domain::ClaimHistoryEntry> entries;
  for (const auto& row : rows) {
    entries.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(),
                       row[2].as<std::int64_t>(), row[3].as<std::string>(),
                       row[4].as<std::string>(), row[5].as<std::string>(),
                       row[6].as<std::string>()});
  }
  return entries;
}

std::vector<domain::CustomerChangeRequest> list_change_requests(Transaction& transaction,
                                                                std::int64_t claimant_id) {
  std::vector<domain::CustomerChangeRequest> requests;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT id, kind, state, extract(epoch FROM created_at)::bigint, "
           "coalesce(details_sealed, '') FROM portal_change_requests WHERE claimant_id = $1 "
           "ORDER BY id",
           claimant_id)) {
    requests.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                        row[2].as<std::string>(), row[3].as<std::int64_t>(),
                        row[4].as<std::string>()});
  }
  return requests;
}

void update_mailing_address(Transaction& transaction, std::int64_t claimant_id,
                            const domain::MailingAddress& address, const std::string& address_key) {
  const pqxx::result rows = transaction.sql().exec_params(
      "UPDATE claimants SET address1 = $2, address2 = nullif($3, ''), city = $4, state = $5, "
      "postal_code = $6, address_key = $7 WHERE id = $1 AND purged_at IS NULL",
      claimant_id, address.address1, address.address2, address.city, address.state,
      address.postal_code, address_key);
  if (rows.affected_rows() != 1) throw NotFound("no claimant " + std::to_string(claimant_id));
}

}  // namespace disburse::pg
