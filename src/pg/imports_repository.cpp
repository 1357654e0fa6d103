#include "disburse/pg/imports_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

namespace {

constexpr const char* import_columns =
    "i.id, i.program_id, coalesce(i.file_sha256, ''), i.file_name, i.size_bytes, "
    // A job that used up its attempts without reaching the import shows as a failed import.
    "CASE WHEN i.state IN ('queued', 'running') AND j.state = 'failed' THEN 'failed' "
    "ELSE i.state END, "
    "coalesce(i.failure, CASE WHEN j.state = 'failed' "
    "THEN 'the import job failed after its last attempt' END, ''), "
    "i.bytes_processed, i.rows_total, i.rows_accepted, i.rows_rejected, i.rows_new, "
    "i.rows_existing, i.rows_changed, i.rows_flagged, i.created_by, "
    "to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(i.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
    "i.job_id, i.header";

domain::ImportSummary read_import(const pqxx::row& row) {
  domain::ImportSummary import;
  import.id = row[0].as<std::int64_t>();
  import.program_id = row[1].as<std::int64_t>();
  import.file_sha256 = row[2].as<std::string>();
  import.file_name = row[3].as<std::string>();
  import.size_bytes = row[4].as<std::int64_t>();
  import.state = row[5].as<std::string>();
  import.failure = row[6].as<std::string>();
  import.bytes_processed = row[7].as<std::int64_t>();
  domain::ImportCounts& counts = import.counts;
  counts.rows_total = row[8].as<std::int64_t>();
  counts.rows_accepted = row[9].as<std::int64_t>();
  counts.rows_rejected = row[10].as<std::int64_t>();
  counts.rows_new = row[11].as<std::int64_t>();
  counts.rows_existing = row[12].as<std::int64_t>();
  counts.rows_changed = row[13].as<std::int64_t>();
  counts.rows_flagged = row[14].as<std::int64_t>();
  import.created_by = row[15].as<std::string>();
  import.created_at = row[16].as<std::string>();
  import.completed_at = row[17].as<std::string>();
  if (!row[18].is_null()) import.job_id = row[18].as<std::int64_t>();
  import.header_json = row[19].as<std::string>();
  return import;
}

std::optional<domain::ImportSummary> select_import(Transaction& transaction,
                                                   std::int64_t import_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("SELECT ") + import_columns +
          " FROM imports i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = $1",
      import_id);
  if (rows.empty()) return std::nullopt;
  domain::ImportSummary import = read_import(rows[0]);
  for (const auto& row : transaction.sql().exec_params(
           "SELECT reason, count(*) FROM import_rejections WHERE import_id = $1 GROUP BY reason "
           "ORDER BY reason",
           import_id)) {
    import.rejected_by_reason[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  return import;
}

}  // namespace

std::int64_t insert_import(Transaction& transaction, const NewImport& import) {
  return transaction.sql()
      .exec_params1(
          "INSERT INTO imports (program_id, file_name, size_bytes, state, created_by) "
          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
          import.program_id, import.file_name, import.size_bytes, import.state,
          import.created_by)[0]
      .as<std::int64_t>();
}

std::optional<domain::ImportSummary> find_import(Transaction& transaction, std::int64_t import_id) {
  return select_import(transaction, import_id);
}

std::vector<domain::ImportSummary> list_imports(Transaction& transaction, std::int64_t program_id,
                                                std::int64_t before_id, int limit) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("SELECT ") + import_columns +
          " FROM imports i LEFT JOIN jobs j ON j.id = i.job_id "
          "WHERE ($1 = 0 OR i.program_id = $1) AND ($2 = 0 OR i.id < $2) "
          "ORDER BY i.id DESC LIMIT $3",
      program_id, before_id, limit);
  std::vector<domain::ImportSummary> imports;
  imports.reserve(rows.size());
  for (const auto& row : rows) imports.push_back(read_import(row));
  return imports;
}

std::optional<std::int64_t> find_import_of_file(Transaction& transaction, std::int64_t program_id,
                                                const std::string& file_sha256,
                                                std::int64_t except_id) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT id FROM imports WHERE program_id = $1 AND file_sha256 = $2 AND state <> 'failed' "
      "AND id <> $3 ORDER BY id LIMIT 1",
      program_id, file_sha256, except_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void lock_program_uploads(Transaction& transaction, std::int64_t program_id) {
  // The two-key form keeps these locks apart from any other advisory lock's single key.
  constexpr int upload_lock_class = 3;
  transaction.sql().exec_params("SELECT pg_advisory_xact_lock($1, $2::integer)", upload_lock_class,
                                static_cast<int>(program_id % 2147483647));
}

void complete_import(Transaction& transaction, std::int64_t import_id,
                     const std::string& file_sha256, std::int64_t size_bytes,
                     const std::string& header_json, const domain::ImportCounts& counts) {
  transaction.sql().exec_params0(
      "UPDATE imports SET state = 'completed', file_sha256 = $2, size_bytes = $3, header = $4, "
      "bytes_processed = $3, rows_total = $5, rows_accepted = $6, rows_rejected = $7, "
      "rows_new = $8, rows_existing = $9, rows_changed = $10, rows_flagged = $11, "
      "failure = NULL, completed_at = now() WHERE id = $1",
      import_id, file_sha256, size_bytes, header_json, counts.rows_total, counts.rows_accepted,
      counts.rows_rejected, counts.rows_new, counts.rows_existing, counts.rows_changed,
      counts.rows_flagged);
  transaction.sql().exec_params0("DELETE FROM import_chunks WHERE import_id = $1", import_id);
}

void set_import_state(Transaction& transaction, std::int64_t import_id, const std::string& state) {
  transaction.sql().exec_params0("UPDATE imports SET state = $2 WHERE id = $1", import_id, state);
}

void queue_import(Transaction& transaction, std::int64_t import_id, const std::string& file_sha256,
                  std::int64_t size_bytes, std::int64_t job_id) {
  transaction.sql().exec_params0(
      "UPDATE imports SET state = 'queued', file_sha256 = $2, size_bytes = $3, job_id = $4 "
      "WHERE id = $1",
      import_id, file_sha256, size_bytes, job_id);
}

void fail_import(Transaction& transaction, std::int64_t import_id, const std::string& failure) {
  transaction.sql().exec_params0(
      "UPDATE imports SET state = 'failed', failure = $2, completed_at = now() "
      "WHERE id = $1 AND state <> 'completed'",
      import_id, failure.substr(0, 2000));
  transaction.sql().exec_params0("DELETE FROM import_chunks WHERE import_id = $1", import_id);
}

std::int64_t fail_idle_uploads(Transaction& transaction, std::int64_t idle_seconds,
                               const std::string& failure) {
  return transaction.sql()
      .exec_params1(
          "WITH idle AS (UPDATE imports i SET state = 'failed', failure = $2, completed_at = now() "
          "  WHERE i.state = 'receiving' AND i.created_at < now() - $1 * interval '1 second' "
          "  AND NOT EXISTS (SELECT 1 FROM import_chunks c WHERE c.import_id = i.id "
          "    AND c.received_at >= now() - $1 * interval '1 second') RETURNING i.id), "
          "gone AS (DELETE FROM import_chunks c USING idle WHERE c.import_id = idle.id) "
          "SELECT count(*) FROM idle",
          idle_seconds, failure)[0]
      .as<std::int64_t>();
}

void delete_import(Transaction& transaction, std::int64_t import_id) {
  transaction.sql().exec_params0("DELETE FROM import_chunks WHERE import_id = $1", import_id);
  transaction.sql().exec_params0("DELETE FROM imports WHERE id = $1", import_id);
}

void record_import_progress(Transaction& transaction, std::int64_t import_id,
                            std::int64_t bytes_processed, std::int64_t rows_total) {
  transaction.sql().exec_params0(
      "UPDATE imports SET bytes_processed = $2, rows_total = $3 WHERE id = $1", import_id,
      bytes_processed, rows_total);
}

void append_import_chunk(Transaction& transaction, std::int64_t import_id, int sequence,
                         std::string_view data) {
  const pqxx::binarystring bytes(data.data(), data.size());
  transaction.sql().exec_params0(
      "INSERT INTO import_chunks (import_id, sequence, data) VALUES ($1, $2, $3)", import_id,
      sequence, bytes);
}

std::optional<std::string> read_import_chunk(Transaction& transaction, std::int64_t import_id,
                                             int sequence) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT data FROM import_chunks WHERE import_id = $1 AND sequence = $2", import_id, sequence);
  if (rows.empty()) return std::nullopt;
  return pqxx::binarystring(rows[0][0]).str();
}

void for_each_rejection(Transaction& transaction, std::int64_t import_id, int batch_size,
                        const std::function<void(const Rejection&)>& visit) {
  std::int64_t after_line = 0;
  while (true) {
    const pqxx::result rows = transaction.sql().exec_params(
        "SELECT line_number, reason, field, coalesce(raw_record, '') FROM import_rejections "
        "WHERE import_id = $1 AND line_number > $2 ORDER BY line_number LIMIT $3",
        import_id, after_line, batch_size);
    for (const auto& row : rows) {
      const Rejection rejection{row[0].as<std::int64_t>(), row[1].as<std::string>(),
                                row[2].as<std::string>(), row[3].as<std::string>()};
      visit(rejection);
      after_line = rejection.line_number;
    }
    if (static_cast<int>(rows.size()) < batch_size) return;
  }
}

void prepare_bulk_transaction(Transaction& transaction, int statement_timeout_ms) {
  pqxx::dbtransaction& sql = transaction.sql();
  sql.exec_params("SELECT set_config('statement_timeout', $1, true)",
                  std::to_string(statement_timeout_ms));
  // Grouping a million keys in memory instead of spilling to disk halves the set-based work.
  sql.exec0("SET LOCAL work_mem = '256MB'");
  // Imports into one program run one at a time (the program's row lock); a second one waits for
  // the first rather than failing after the pool's short lock timeout.
  sql.exec_params("SELECT set_config('lock_timeout', $1, true)",
                  std::to_string(statement_timeout_ms));
  // The staging table is scanned several times; with the default 8 MB of buffers for temporary
  // tables each scan goes back to the file system. PostgreSQL refuses the change once the
  // session has used temporary tables with another size (a pooled connection may have), and
  // then the import simply runs with what the session has.
  sql.exec0("SAVEPOINT bulk_buffers");
  try {
    sql.exec0("SET LOCAL temp_buffers = '256MB'");
    sql.exec0("RELEASE SAVEPOINT bulk_buffers");
  } catch (const pqxx::sql_error&) {
    sql.exec0("ROLLBACK TO SAVEPOINT bulk_buffers");
  }
}

}  // namespace disburse::pg
