// The set-based statements of an import (see resolve_import). They run over the staging table
// in the import's transaction, so a failure anywhere leaves nothing of the import behind.

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/pg/imports_repository.hpp"

namespace disburse::pg {

namespace {

constexpr int max_claim_number_rounds = 5;
constexpr int change_batch_rows = 1000;

// Later accepted rows repeating an accepted row's customer_id become rejections. The importer
// sent the raw record of every row its filter thought might repeat, so each has one.
constexpr const char* reject_repeated_customer_ids =
    "UPDATE import_rows r SET reason = 'duplicate_customer_id', field = 'customer_id' "
    "FROM (SELECT customer_id, min(line_number) AS first_line FROM import_rows "
    "WHERE reason IS NULL GROUP BY customer_id HAVING count(*) > 1) d "
    "WHERE r.reason IS NULL AND r.customer_id = d.customer_id AND r.line_number > d.first_line";

constexpr const char* insert_rejections =
    "INSERT INTO import_rejections (import_id, line_number, reason, field, raw_record) "
    "SELECT $1, line_number, reason, coalesce(field, ''), raw_record FROM import_rows "
    "WHERE reason IS NOT NULL";

constexpr const char* count_known_customers =
    "SELECT count(*) FILTER (WHERE c.record_fingerprint = r.record_fingerprint), "
    "count(*) FILTER (WHERE c.record_fingerprint <> r.record_fingerprint) "
    "FROM import_rows r JOIN claimants c ON c.program_id = $1 AND c.customer_id = r.customer_id "
    "WHERE r.reason IS NULL";

// The proposed record of a changed customer, as JSON; bank fields stay sealed inside it.
constexpr const char* collect_changes =
    "INSERT INTO import_changed (line_number, claimant_id, proposed) "
    "SELECT r.line_number, c.id, json_build_object("
    "'customer_id', r.customer_id, 'first_name', r.first_name, 'last_name', r.last_name, "
    "'email', r.email, 'phone', r.phone, 'address1', r.address1, 'address2', r.address2, "
    "'city', r.city, 'state', r.state, 'postal_code', r.postal_code, 'country', r.country, "
    "'device_type', r.device_type, 'account_months', r.account_months, "
    "'weight', r.imported_weight, 'payment_method', r.payment_method, "
    "'bank_routing_sealed', r.bank_routing_sealed, 'bank_account_sealed', r.bank_account_sealed, "
    "'bank_account_type', r.bank_account_type, 'record_fingerprint', r.record_fingerprint)::text "
    "FROM import_rows r JOIN claimants c ON c.program_id = $1 AND c.customer_id = r.customer_id "
    "WHERE r.reason IS NULL AND c.record_fingerprint <> r.record_fingerprint";

// Keys that more than one customer of the program would hold once the new rows are in: the new
// rows' keys and the keys already stored. customer_id is unique among both, so any repeat is a
// different customer. Both kinds of key are grouped in one pass over the rows.
constexpr const char* collect_shared_keys_statement =
    "INSERT INTO import_shared_keys (kind, key) "
    "SELECT CASE WHEN GROUPING(email_key) = 0 THEN 'email' ELSE 'address' END, "
    "CASE WHEN GROUPING(email_key) = 0 THEN email_key ELSE address_key END "
    "FROM (SELECT r.email_key, r.address_key FROM import_rows r WHERE r.reason IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM claimants c WHERE c.program_id = $1 "
    "AND c.customer_id = r.customer_id) "
    "UNION ALL SELECT c.email_key, c.address_key FROM claimants c WHERE c.program_id = $1) keys "
    "GROUP BY GROUPING SETS ((email_key), (address_key)) "
    "HAVING count(*) > 1 AND "
    "(CASE WHEN GROUPING(email_key) = 0 THEN email_key ELSE address_key END) IS NOT NULL";

// New customers become claimants; a shared key puts the claim in review with its reason codes,
// and every new claim gets its first event. customer_ids are new by construction (the anti-join,
// under the program lock), so the only unique index a row can hit is the claim number's.
constexpr const char* insert_claimants =
    "WITH inserted AS ("
    "INSERT INTO claimants (program_id, customer_id, claim_number, import_id, claim_state, "
    "review_flags, device_type, account_months, imported_weight, payment_method, first_name, "
    "last_name, email, phone, address1, address2, city, state, postal_code, country, "
    "bank_routing_sealed, bank_account_sealed, bank_account_type, email_key, address_key, "
    "record_fingerprint, portal_zip5) "
    "SELECT $1, r.customer_id, r.claim_number, $2, "
    "CASE WHEN e.key IS NULL AND a.key IS NULL THEN 'approved' ELSE 'pending_review' END, "
    "array_remove(ARRAY[CASE WHEN e.key IS NOT NULL THEN 'duplicate_email' END, "
    "CASE WHEN a.key IS NOT NULL THEN 'duplicate_address' END], NULL), "
    "r.device_type, r.account_months, r.imported_weight, r.payment_method, r.first_name, "
    "r.last_name, r.email, r.phone, r.address1, r.address2, r.city, r.state, r.postal_code, "
    "r.country, r.bank_routing_sealed, r.bank_account_sealed, r.bank_account_type, r.email_key, "
    "r.address_key, r.record_fingerprint, r.portal_zip5 "
    "FROM import_rows r "
    "LEFT JOIN import_shared_keys e ON e.kind = 'email' AND e.key = r.email_key "
    "LEFT JOIN import_shared_keys a ON a.kind = 'address' AND a.key = r.address_key "
    "WHERE r.reason IS NULL AND NOT EXISTS (SELECT 1 FROM claimants c "
    "WHERE c.program_id = $1 AND c.customer_id = r.customer_id) "
    "RETURNING id, claim_state, review_flags) "
    "INSERT INTO claim_events (claimant_id, from_state, to_state, reason, actor) "
    "SELECT id, NULL, claim_state, CASE WHEN cardinality(review_flags) = 0 THEN 'imported' "
    "ELSE 'imported:' || array_to_string(review_flags, ',') END, $3 FROM inserted";

// Staged rows whose claim number is taken by a claimant or by another staged row.
constexpr const char* rows_with_taken_claim_numbers =
    "SELECT r.line_number FROM import_rows r WHERE r.reason IS NULL AND ("
    "EXISTS (SELECT 1 FROM claimants c WHERE c.claim_number = r.claim_number) OR "
    "r.claim_number IN (SELECT claim_number FROM import_rows WHERE reason IS NULL "
    "GROUP BY claim_number HAVING count(*) > 1)) ORDER BY r.line_number";

// Customers already in the program who share a key with a new one are flagged too, so that a
// reviewer sees both sides; their claim state is left to the claim state machine.
constexpr const char* flag_existing_statement =
    "UPDATE claimants c SET review_flags = array_append(c.review_flags, $4::text) "
    "WHERE c.program_id = $1 AND c.import_id IS DISTINCT FROM $2 AND "
    "CASE $3 WHEN 'email' THEN c.email_key ELSE c.address_key END IN "
    "(SELECT key FROM import_shared_keys WHERE kind = $3) AND NOT ($4::text = ANY (c.review_flags))";

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

void store_change_batch(pqxx::dbtransaction& sql, std::int64_t import_id,
                        const pqxx::result& batch, const ResolveCallbacks& callbacks) {
  const std::vector<std::string> columns = {"claimant_id", "import_id", "line_number",
                                            "proposed_sealed"};
  pqxx::tablewriter writer(sql, "claimant_changes", columns.begin(), columns.end());
  for (const auto& row : batch) {
    // Hex text and decimal numbers need no COPY escaping.
    writer.write_raw_line(row[1].as<std::string>() + "\t" + std::to_string(import_id) + "\t" +
                          row[0].as<std::string>() + "\t" +
                          callbacks.seal(row[2].as<std::string>()));
  }
  writer.complete();
}

#pragma GCC diagnostic pop

// Changed customers are held for review as sealed proposed records, never applied.
std::int64_t hold_changes(pqxx::dbtransaction& sql, std::int64_t program_id,
                          std::int64_t import_id, const ResolveCallbacks& callbacks) {
  sql.exec0("CREATE TEMP TABLE import_changed (line_number BIGINT, claimant_id BIGINT, "
            "proposed TEXT) ON COMMIT DROP");
  const std::int64_t changed = sql.exec_params0(collect_changes, program_id).affected_rows();
  if (changed == 0) return 0;
  sql.exec0("DECLARE import_changes NO SCROLL CURSOR FOR "
            "SELECT line_number, claimant_id, proposed FROM import_changed ORDER BY line_number");
  while (true) {
    const pqxx::result batch =
        sql.exec("FETCH " + std::to_string(change_batch_rows) + " FROM import_changes");
    if (batch.empty()) break;
    store_change_batch(sql, import_id, batch, callbacks);
  }
  sql.exec0("CLOSE import_changes");
  sql.exec0("UPDATE claimants SET review_flags = array_append(review_flags, "
            "'changed_on_reimport') WHERE id IN (SELECT claimant_id FROM import_changed) "
            "AND NOT ('changed_on_reimport' = ANY (review_flags))");
  return changed;
}

void collect_shared_keys(pqxx::dbtransaction& sql, std::int64_t program_id) {
  sql.exec0("CREATE TEMP TABLE import_shared_keys (kind TEXT, key TEXT) ON COMMIT DROP");
  sql.exec_params0(collect_shared_keys_statement, program_id);
}

// Inserts the new claimants. A claim number collides about once in billions of imports; the
// insert then fails as a whole inside its savepoint, the taken numbers are redrawn, and it runs
// again. Checking every number up front instead would cost a lookup per row on every import.
std::int64_t insert_new_claimants(pqxx::dbtransaction& sql, std::int64_t program_id,
                                  std::int64_t import_id, const std::string& actor,
                                  const ResolveCallbacks& callbacks) {
  for (int round = 0; round < max_claim_number_rounds; round++) {
    sql.exec0("SAVEPOINT import_claimants");
    try {
      const std::int64_t inserted =
          sql.exec_params0(insert_claimants, program_id, import_id, actor).affected_rows();
      sql.exec0("RELEASE SAVEPOINT import_claimants");
      return inserted;
    } catch (const pqxx::unique_violation&) {
      sql.exec0("ROLLBACK TO SAVEPOINT import_claimants");
      for (const auto& row : sql.exec(rows_with_taken_claim_numbers)) {
        sql.exec_params0("UPDATE import_rows SET claim_number = $2 WHERE line_number = $1",
                         row[0].as<std::int64_t>(), callbacks.new_claim_number());
      }
    }
  }
  throw Unavailable("could not draw unique claim numbers; run the import again");
}

void flag_existing_claimants(pqxx::dbtransaction& sql, std::int64_t program_id,
                             std::int64_t import_id) {
  sql.exec_params0(flag_existing_statement, program_id, import_id, "email", "duplicate_email");
  sql.exec_params0(flag_existing_statement, program_id, import_id, "address", "duplicate_address");
}

}  // namespace

domain::ImportCounts resolve_import(Transaction& transaction, std::int64_t program_id,
                                    std::int64_t import_id, const std::string& actor,
                                    domain::ImportCounts counts,
                                    const ResolveCallbacks& callbacks) {
  pqxx::dbtransaction& sql = transaction.sql();
  // Each statement below scans the staging table; the ones that cannot find anything are skipped.
  if (callbacks.may_repeat_customer_ids) {
    counts.rows_rejected += sql.exec0(reject_repeated_customer_ids).affected_rows();
  }
  if (counts.rows_rejected > 0) sql.exec_params0(insert_rejections, import_id);
  counts.rows_accepted = counts.rows_total - counts.rows_rejected;
  const bool program_has_claimants =
      sql.exec_params1("SELECT EXISTS (SELECT 1 FROM claimants WHERE program_id = $1)",
                       program_id)[0].as<bool>();
  if (program_has_claimants) {
    counts.rows_existing = sql.exec_params1(count_known_customers, program_id)[0].as<std::int64_t>();
    counts.rows_changed = hold_changes(sql, program_id, import_id, callbacks);
  }
  counts.rows_new = counts.rows_accepted - counts.rows_existing - counts.rows_changed;
  collect_shared_keys(sql, program_id);
  const std::int64_t inserted = insert_new_claimants(sql, program_id, import_id, actor, callbacks);
  DISBURSE_ASSERT(inserted == counts.rows_new);
  if (program_has_claimants) flag_existing_claimants(sql, program_id, import_id);
  counts.rows_flagged =
      sql.exec_params1("SELECT count(*) FROM claimants WHERE program_id = $1 AND import_id = $2 "
                       "AND claim_state = 'pending_review'",
                       program_id, import_id)[0]
          .as<std::int64_t>();
  return counts;
}

}  // namespace disburse::pg
