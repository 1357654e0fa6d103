#include "disburse/pg/audit_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/security/crypto.hpp"

namespace disburse::pg {

namespace {

domain::AuditRecord read_record(const pqxx::row& row) {
  domain::AuditRecord record;
  record.id = row["id"].as<std::int64_t>();
  record.occurred_at_us = row["occurred_at_us"].as<std::int64_t>();
  record.actor = row["actor"].as<std::string>();
  record.action = row["action"].as<std::string>();
  record.subject_type = row["subject_type"].as<std::string>();
  record.subject_id = row["subject_id"].as<std::string>();
  record.program_id = row["program_id"].is_null() ? 0 : row["program_id"].as<std::int64_t>();
  record.details = row["details"].as<std::string>();
  return record;
}

constexpr const char* record_columns =
    "id, (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_at_us, actor, action, "
    "subject_type, subject_id, program_id, details, previous_hash, hash";

// Why a record breaks the chain, or empty when it follows its predecessor correctly.
std::string chain_problem(const domain::AuditRecord& record, const pqxx::row& row,
                          std::int64_t expected_id, const std::string& previous_hash) {
  const std::string id = std::to_string(record.id);
  if (record.id != expected_id) return "record " + std::to_string(expected_id) + " is missing";
  if (row["previous_hash"].as<std::string>() != previous_hash) {
    return "record " + id + " does not follow its predecessor";
  }
  const std::string hash = security::sha256_hex(domain::audit_canonical_text(record, previous_hash));
  if (hash != row["hash"].as<std::string>()) return "record " + id + " was altered";
  return "";
}

}  // namespace

void append_audit(Transaction& transaction, const AuditEvent& event) {
  auto& sql = transaction.sql();
  const pqxx::row head = sql.exec1(
      "SELECT last_id, last_hash, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint "
      "FROM audit_chain_head FOR UPDATE");
  domain::AuditRecord record{head[0].as<std::int64_t>() + 1, head[2].as<std::int64_t>(),
                             event.actor,  event.action, event.subject_type, event.subject_id,
                             event.program_id, event.details};
  const std::string previous_hash = head[1].as<std::string>();
  const std::string hash =
      security::sha256_hex(domain::audit_canonical_text(record, previous_hash));
  sql.exec_params0(
      "INSERT INTO audit_log (id, occurred_at, actor, action, subject_type, subject_id, "
      "program_id, details, previous_hash, hash) VALUES ($1, timestamptz 'epoch' + $2 * "
      "interval '1 microsecond', $3, $4, $5, $6, NULLIF($7, 0), $8, $9, $10)",
      record.id, record.occurred_at_us, record.actor, record.action, record.subject_type,
      record.subject_id, record.program_id, record.details, previous_hash, hash);
  sql.exec_params0("UPDATE audit_chain_head SET last_id = $1, last_hash = $2", record.id, hash);
}

AuditVerification verify_audit_chain(Database& database) {
  return database.read([](Transaction& transaction) {
    AuditVerification verification;
    auto& sql = transaction.sql();
    std::string previous_hash;
    std::int64_t expected_id = 1;
    // Keyset pages keep memory flat however long the log grows; the read transaction is
    // repeatable-read, so the pages form one consistent snapshot.
    for (std::int64_t last_id = 0;;) {
      const pqxx::result rows = sql.exec_params(
          std::string("SELECT ") + record_columns + " FROM audit_log WHERE id > $1 ORDER BY id LIMIT 10000",
          last_id);
      if (rows.empty()) break;
      for (const auto& row : rows) {
        const domain::AuditRecord record = read_record(row);
        const std::string problem = chain_problem(record, row, expected_id, previous_hash);
        if (!problem.empty()) return AuditVerification{false, verification.records, expected_id, problem};
        previous_hash = row["hash"].as<std::string>();
        expected_id = record.id + 1;
        last_id = record.id;
        verification.records++;
      }
    }
    const pqxx::row head = sql.exec1("SELECT last_id, last_hash FROM audit_chain_head");
    if (head[0].as<std::int64_t>() != verification.records || head[1].as<std::string>() != previous_hash) {
      return AuditVerification{false, verification.records, verification.records,
                               "the newest records were deleted: the chain head no longer matches"};
    }
    return verification;
  });
}

std::vector<domain::AuditRecord> list_audit(Transaction& transaction, const AuditFilter& filter) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("SELECT ") + record_columns +
          " FROM audit_log WHERE ($1 = '' OR action LIKE $1 || '%') AND ($2 = '' OR subject_type = $2)"
          " AND ($3 = '' OR subject_id = $3) AND ($4 = 0 OR program_id = $4)"
          " AND ($5 = 0 OR id < $5) ORDER BY id DESC LIMIT $6",
      filter.action_prefix, filter.subject_type, filter.subject_id, filter.program_id,
      filter.before_id, filter.limit);
  std::vector<domain::AuditRecord> records;
  records.reserve(rows.size());
  for (const auto& row : rows) records.push_back(read_record(row));
  return records;
}

}  // namespace disburse::pg
