#include "disburse/pg/batches_repository.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "array_literal.hpp"
#include "batch_membership.hpp"

#include "disburse/domain/assert.hpp"

namespace disburse::pg {

namespace {

constexpr const char* batch_columns =
    "id, program_id, method, state, items, total_cents, currency, "
    "coalesce(created_by_user_id, 0) AS created_by_user_id, created_by, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
    "coalesce(approved_by_user_id, 0) AS approved_by_user_id, coalesce(approved_by, '') AS "
    "approved_by, coalesce(to_char(approved_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS approved_at, "
    "coalesce(to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
    "AS submitted_at";

domain::Batch read_batch(const pqxx::row& row) {
  domain::Batch batch;
  batch.id = row["id"].as<std::int64_t>();
  batch.program_id = row["program_id"].as<std::int64_t>();
  const auto method = domain::parse_payment_method(row["method"].as<std::string>());
  const auto state = domain::parse_batch_state(row["state"].as<std::string>());
  DISBURSE_ASSERT(method.has_value() && state.has_value());
  batch.method = *method;
  batch.state = *state;
  batch.items = row["items"].as<std::int64_t>();
  batch.total = domain::Money::from_cents(row["total_cents"].as<std::int64_t>());
  batch.currency = row["currency"].as<std::string>();
  batch.created_by_user_id = row["created_by_user_id"].as<std::int64_t>();
  batch.created_by = row["created_by"].as<std::string>();
  batch.created_at = row["created_at"].as<std::string>();
  batch.approved_by_user_id = row["approved_by_user_id"].as<std::int64_t>();
  batch.approved_by = row["approved_by"].as<std::string>();
  batch.approved_at = row["approved_at"].as<std::string>();
  batch.submitted_at = row["submitted_at"].as<std::string>();
  return batch;
}

std::optional<domain::Batch> first_batch(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_batch(rows[0]);
}

// What each rail needs of the claimant, mirroring the checks of the file writers in
// src/formats, so that a batch never holds a payment its file could not carry.
const char* rail_condition(domain::PaymentMethod method) {
  switch (method) {
    case domain::PaymentMethod::paypal:
      // formats::paypal::is_valid_email: printable ASCII without '"' or ',', one '@', not
      // starting with = + - @ (a spreadsheet formula), a dot in the domain, not at its ends.
      return "c.email ~ '^[!#-*./-<>?A-~][!#-+./-?A-~-]*@[!#-+/-?A-~-]+\\.[!#-+./-?A-~-]*"
             "[!#-+/-?A-~-]$' AND length(c.email) <= 254";
    case domain::PaymentMethod::check:
      return "coalesce(c.address1, '') <> '' AND coalesce(c.city, '') <> '' "
             "AND c.state ~ '^[A-Z]{2}$' AND c.postal_code ~ '^[0-9]{5}(-[0-9]{4})?$' "
             "AND btrim(coalesce(c.first_name, '') || coalesce(c.last_name, '')) <> ''";
    case domain::PaymentMethod::ach:
      return "c.bank_routing_sealed IS NOT NULL AND c.bank_account_sealed IS NOT NULL "
             "AND btrim(coalesce(c.first_name, '') || coalesce(c.last_name, '')) <> ''";
  }
  DISBURSE_ASSERT(false);
  return "false";
}

// NULL reads as empty. The length comes with the field: no scan for the terminator.
// A batch statement joins up to a million payments to their claimants and sorts them: with
// PostgreSQL's default 4 MB it spilled both to disk and took up to twice as long. The
// setting lasts until the transaction ends; a larger batch spills again, gracefully.
void allow_memory_for_whole_batch(Transaction& transaction) {
  transaction.sql().exec0("SET LOCAL work_mem = '256MB'");
}

std::string text_of(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str(), field.size());
}

}  // namespace

std::optional<ProgramForBatching> lock_program_for_batching(Transaction& transaction,
                                                            std::int64_t program_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT status, currency FROM programs WHERE id = $1 FOR UPDATE", program_id);
  if (rows.empty()) return std::nullopt;
  return ProgramForBatching{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

std::optional<domain::Batch> create_batch_with_payments(Transaction& transaction,
                                                        const NewBatch& batch,
                                                        domain::PaymentState from,
                                                        domain::PaymentState to) {
  const std::string method(domain::to_string(batch.method));
  const std::string sql =
      std::string(
          "WITH chosen AS MATERIALIZED ("
          "  SELECT p.id, p.amount_cents FROM payments p JOIN claimants c ON c.id = p.claimant_id"
          "  WHERE p.program_id = $1 AND p.method = $2 AND p.state = $3 AND p.batch_id IS NULL"
          "  AND c.purged_at IS NULL AND ") +
      rail_condition(batch.method) +
      "  ORDER BY p.id LIMIT $4), "
      "batch AS (INSERT INTO batches (program_id, method, state, items, total_cents, currency, "
      "  created_by_user_id, created_by, first_payment_id, last_payment_id) "
      "  SELECT $1, $2, 'draft', count(*), coalesce(sum(amount_cents), 0), $5, $6, $7, min(id), "
      "  max(id) FROM chosen HAVING count(*) > 0 RETURNING id, items), "
      "moved AS (UPDATE payments p SET state = $8, batch_id = batch.id, state_changed_at = now() "
      "  FROM chosen, batch WHERE p.id = chosen.id AND p.state = $3 AND p.batch_id IS NULL "
      "  RETURNING p.id), "
      "event AS (INSERT INTO payment_events (batch_id, from_state, to_state, actor, reason) "
      "  SELECT id, $3, $8, $7, 'added to batch ' || id FROM batch) "
      "SELECT batch.id, batch.items, (SELECT count(*) FROM moved) FROM batch";
  allow_memory_for_whole_batch(transaction);
  const pqxx::result rows = transaction.sql().exec_params(
      sql, batch.program_id, method, std::string(domain::to_string(from)), batch.max_items,
      batch.currency, batch.created_by_user_id, batch.created_by,
      std::string(domain::to_string(to)));
  if (rows.empty()) return std::nullopt;
  // The program's lock keeps every chosen payment as it was read until the update.
  DISBURSE_ASSERT(rows[0][1].as<std::int64_t>() == rows[0][2].as<std::int64_t>());
  return find_batch(transaction, rows[0][0].as<std::int64_t>());
}

std::optional<domain::Batch> find_batch(Transaction& transaction, std::int64_t batch_id) {
  return first_batch(transaction.sql().exec_params(
      std::string("SELECT ") + batch_columns + " FROM batches WHERE id = $1", batch_id));
}

std::optional<domain::Batch> lock_batch(Transaction& transaction, std::int64_t batch_id) {
  return first_batch(transaction.sql().exec_params(
      std::string("SELECT ") + batch_columns + " FROM batches WHERE id = $1 FOR UPDATE",
      batch_id));
}

std::vector<domain::Batch> list_batches(Transaction& transaction, std::int64_t program_id,
                                        int limit) {
  std::vector<domain::Batch> batches;
  for (const auto& row : transaction.sql().exec_params(
           std::string("SELECT ") + batch_columns +
               " FROM batches WHERE program_id = $1 ORDER BY id DESC LIMIT $2",
           program_id, limit)) {
    batches.push_back(read_batch(row));
  }
  return batches;
}

void record_batch_approval(Transaction& transaction, std::int64_t batch_id,
                           domain::BatchState from, domain::BatchState to,
                           std::int64_t approver_user_id, const std::string& approver) {
  const pqxx::result rows = transaction.sql().exec_params(
      "UPDATE batches SET state = $3, approved_by_user_id = $4, approved_by = $5, "
      "approved_at = now() WHERE id = $1 AND state = $2 RETURNING id",
      batch_id, std::string(domain::to_string(from)), std::string(domain::to_string(to)),
      approver_user_id, approver);
  DISBURSE_ASSERT(rows.size() == 1);
}

void record_batch_state(Transaction& transaction, std::int64_t batch_id, domain::BatchState from,
                        domain::BatchState to) {
  const pqxx::result rows = transaction.sql().exec_params(
      "UPDATE batches SET state = $3, submitted_at = CASE WHEN $3 = 'submitted' THEN now() "
      "ELSE submitted_at END WHERE id = $1 AND state = $2 RETURNING id",
      batch_id, std::string(domain::to_string(from)), std::string(domain::to_string(to)));
  DISBURSE_ASSERT(rows.size() == 1);
}

namespace {

std::string state_text(domain::PaymentState state) { return std::string(domain::to_string(state)); }

// One row for the transition that every payment of the batch made (payment_history expands it).
void record_batch_event(Transaction& transaction, std::int64_t batch_id, const BatchMove& move) {
  transaction.sql().exec_params0(
      "INSERT INTO payment_events (batch_id, from_state, to_state, actor, reason) "
      "VALUES ($1, $2, $3, $4, $5)",
      batch_id, state_text(move.from), state_text(move.to), move.actor, move.reason);
}

PayablePayment read_payable(const pqxx::row& row) {
  PayablePayment payment;
  payment.id = row[0].as<std::int64_t>();
  payment.reference = text_of(row[1]);
  payment.amount = domain::Money::from_cents(row[2].as<std::int64_t>());
  payment.first_name = text_of(row[3]);
  payment.last_name = text_of(row[4]);
  payment.email = text_of(row[5]);
  payment.address1 = text_of(row[6]);
  payment.address2 = text_of(row[7]);
  payment.city = text_of(row[8]);
  payment.state = text_of(row[9]);
  payment.postal_code = text_of(row[10]);
  payment.bank_routing_sealed = text_of(row[11]);
  payment.bank_account_sealed = text_of(row[12]);
  payment.bank_account_type = text_of(row[13]);
  payment.check_number = row[14].as<std::int64_t>();
  return payment;
}

}  // namespace

MovedPayments release_batch_payments(Transaction& transaction, std::int64_t batch_id,
                                     const BatchMove& move) {
  record_batch_event(transaction, batch_id, move);
  auto& sql = transaction.sql();
  // Leaving the batch, a payment would lose the batch's events from its history: it gets its
  // own copy of each first, at the time it happened.
  const BatchRange range = batch_range(transaction, batch_id);
  sql.exec_params0(
      std::string("INSERT INTO payment_events (payment_id, from_state, to_state, actor, reason, "
                  "occurred_at) SELECT p.id, e.from_state, e.to_state, e.actor, e.reason, "
                  "e.occurred_at FROM payments p JOIN payment_events e ON e.batch_id = p.batch_id "
                  "WHERE ") +
          payment_in_batch_1_2_3 + " AND p.state = $4 ORDER BY e.id, p.id",
      batch_id, range.first_payment_id, range.last_payment_id, state_text(move.from));
  const pqxx::row row = sql.exec_params1(
      std::string("WITH moved AS (UPDATE payments p SET state = $5, batch_id = NULL, "
                  "state_changed_at = now() WHERE ") +
          payment_in_batch_1_2_3 +
          " AND p.state = $4 RETURNING p.amount_cents) "
          "SELECT count(*), coalesce(sum(amount_cents), 0)::bigint FROM moved",
      batch_id, range.first_payment_id, range.last_payment_id, state_text(move.from),
      state_text(move.to));
  return {row[0].as<std::int64_t>(), domain::Money::from_cents(row[1].as<std::int64_t>())};
}

std::vector<PayablePayment> submit_batch_payments(Transaction& transaction,
                                                  std::int64_t batch_id, const BatchMove& move) {
  record_batch_event(transaction, batch_id, move);
  const BatchRange range = batch_range(transaction, batch_id);
  allow_memory_for_whole_batch(transaction);
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("WITH moved AS (UPDATE payments p SET state = $5, state_changed_at = now(), "
                  "submitted_at = now() WHERE ") +
          payment_in_batch_1_2_3 +
          " AND p.state = $4 RETURNING p.id, p.reference, p.amount_cents, p.claimant_id, "
          "p.check_number) "
          "SELECT m.id, m.reference, m.amount_cents, c.first_name, c.last_name, c.email, "
          "c.address1, c.address2, c.city, c.state, c.postal_code, c.bank_routing_sealed, "
          "c.bank_account_sealed, c.bank_account_type, coalesce(m.check_number, 0) "
          "FROM moved m JOIN claimants c ON c.id = m.claimant_id",
      batch_id, range.first_payment_id, range.last_payment_id, state_text(move.from),
      state_text(move.to));
  // Put in order here rather than by the database, which would spill a million wide rows to
  // disk: the row numbers are sorted by payment id, and each row is read once, in that order.
  std::vector<std::pair<std::int64_t, pqxx::result::size_type>> order;
  order.reserve(rows.size());
  for (pqxx::result::size_type index = 0; index < rows.size(); index++) {
    order.emplace_back(rows[index][0].as<std::int64_t>(), index);
  }
  std::sort(order.begin(), order.end());
  std::vector<PayablePayment> payments;
  payments.reserve(rows.size());
  for (const auto& [id, index] : order) payments.push_back(read_payable(rows[index]));
  return payments;
}

void assign_check_numbers(Transaction& transaction, std::int64_t batch_id) {
  const BatchRange range = batch_range(transaction, batch_id);
  transaction.sql().exec_params0(
      std::string("UPDATE payments q SET check_number = numbered.check_number FROM ("
                  "  SELECT id, nextval('payment_check_numbers') AS check_number FROM ("
                  "    SELECT p.id FROM payments p WHERE ") +
          payment_in_batch_1_2_3 +
          " AND p.check_number IS NULL ORDER BY p.id"
          "  ) ordered) numbered WHERE q.id = numbered.id",
      batch_id, range.first_payment_id, range.last_payment_id);
}

void store_trace_numbers(Transaction& transaction, std::int64_t batch_id,
                         const std::vector<std::string>& references,
                         const std::vector<std::string>& trace_numbers) {
  DISBURSE_ASSERT(references.size() == trace_numbers.size());
  const pqxx::row row = transaction.sql().exec_params1(
      "WITH traced AS (UPDATE payments p SET trace_number = t.trace_number "
      "  FROM unnest($2::text[], $3::text[]) AS t(reference, trace_number) "
      "  WHERE p.batch_id = $1 AND p.reference = t.reference RETURNING p.id) "
      "SELECT count(*) FROM traced",
      batch_id, plain_text_array(references), plain_text_array(trace_numbers));
  DISBURSE_ASSERT(row[0].as<std::size_t>() == references.size());
}

DatabaseClock database_clock(Transaction& transaction) {
  const pqxx::row row = transaction.sql().exec1(
      "SELECT extract(year FROM now() AT TIME ZONE 'UTC')::int, "
      "extract(month FROM now() AT TIME ZONE 'UTC')::int, "
      "extract(day FROM now() AT TIME ZONE 'UTC')::int, "
      "(extract(hour FROM now() AT TIME ZONE 'UTC') * 60 + "
      "extract(minute FROM now() AT TIME ZONE 'UTC'))::int");
  const std::chrono::year_month_day date{std::chrono::year(row[0].as<int>()),
                                         std::chrono::month(row[1].as<unsigned>()),
                                         std::chrono::day(row[2].as<unsigned>())};
  return {date, std::chrono::minutes(row[3].as<int>())};
}

AchDay lock_ach_day(Transaction& transaction, std::chrono::year_month_day date_utc) {
  auto& sql = transaction.sql();
  sql.exec1("SELECT pg_advisory_xact_lock(hashtext('disburse ach file day'))");
  const std::string date = std::to_string(static_cast<int>(date_utc.year())) + "-" +
                           std::to_string(static_cast<unsigned>(date_utc.month())) + "-" +
                           std::to_string(static_cast<unsigned>(date_utc.day()));
  const pqxx::row row = sql.exec_params1(
      "SELECT count(*), coalesce(sum(b.items), 0)::bigint FROM batch_files f "
      "JOIN batches b ON b.id = f.batch_id WHERE b.method = 'ach' "
      "AND (f.created_at AT TIME ZONE 'UTC')::date = $1::date",
      date);
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>()};
}

void insert_batch_file(Transaction& transaction, std::int64_t batch_id,
                       const domain::BatchFile& file, const std::string& stored_content,
                       bool sealed) {
  transaction.sql().exec_params0(
      "INSERT INTO batch_files (batch_id, part, file_name, content_type, content, sha256, "
      "content_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      batch_id, file.part, file.file_name, file.content_type, stored_content, file.sha256, sealed);
}

std::vector<StoredBatchFile> batch_files(Transaction& transaction, std::int64_t batch_id) {
  std::vector<StoredBatchFile> files;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT part, file_name, content_type, content, sha256, content_sealed "
           "FROM batch_files WHERE batch_id = $1 ORDER BY part",
           batch_id)) {
    StoredBatchFile stored;
    stored.file.part = row[0].as<int>();
    stored.file.file_name = row[1].as<std::string>();
    stored.file.content_type = row[2].as<std::string>();
    stored.file.content = row[3].as<std::string>();
    stored.file.sha256 = row[4].as<std::string>();
    stored.sealed = row[5].as<bool>();
    files.push_back(std::move(stored));
  }
  return files;
}

}  // namespace disburse::pg
