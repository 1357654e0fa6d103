#include "disburse/pg/allocation_repository.hpp"

#include <charconv>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "disburse/domain/assert.hpp"

namespace disburse::pg {

namespace {

// Rows fetched from a cursor at a time: large enough that round trips do not matter, small
// enough that a batch stays a few megabytes.
constexpr int cursor_batch_rows = 20'000;

// COPY data is sent in chunks of about this size rather than one libpq call per row.
constexpr std::size_t copy_chunk_bytes = 256 * 1024;

// Declares a cursor over `query` with its parameters bound, and hands each fetched batch to
// `each`. Parameters bind through DECLARE like through any statement, so no value is spliced.
template <typename... Parameters>
void for_each_batch(Transaction& transaction, const std::string& cursor, const std::string& query,
                    const std::function<void(const pqxx::result&)>& each,
                    const Parameters&... parameters) {
  auto& sql = transaction.sql();
  sql.exec_params0("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + query, parameters...);
  const std::string fetch = "FETCH " + std::to_string(cursor_batch_rows) + " FROM " + cursor;
  for (;;) {
    const pqxx::result rows = sql.exec(fetch);
    if (rows.empty()) break;
    each(rows);
  }
  sql.exec0("CLOSE " + cursor);
}

std::uint64_t parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  DISBURSE_ASSERT(error == std::errc() && end == text.data() + text.size());
  return value;
}

domain::ShareStatus parse_share_status(std::string_view text) {
  if (text == "paid") return domain::ShareStatus::paid;
  if (text == "paid_at_cap") return domain::ShareStatus::paid_at_cap;
  DISBURSE_ASSERT(text == "below_minimum");
  return domain::ShareStatus::below_minimum;
}

domain::Money money_of(const pqxx::field& field) {
  return domain::Money::from_cents(field.as<std::int64_t>());
}

template <typename Value>
std::optional<Value> optional_of(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<Value>();
}

constexpr const char* run_columns =
    "id, program_id, round, state, outcome, seed, distributable_cents, min_payment_cents, "
    "cap_cents, allocated_cents, unallocated_cents, weighting_rule, claimants_paid, "
    "claimants_dropped, claimants_capped, reallocation_rounds, weight_total::text, "
    "uncapped_weight_total::text, share_minimum_cents, share_median_cents, share_mean_cents, "
    "share_maximum_cents, inputs_sha256, output_sha256, coalesce(created_by_user_id, 0), "
    "created_by, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(approved_by, ''), "
    "coalesce(to_char(approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";

void read_run_totals(const pqxx::row& row, AllocationRunRecord& run) {
  run.id = row[0].as<std::int64_t>();
  run.program_id = row[1].as<std::int64_t>();
  run.round = row[2].as<int>();
  run.state = row[3].as<std::string>();
  run.outcome = row[4].as<std::string>();
  run.seed = static_cast<std::uint64_t>(row[5].as<std::int64_t>());
  run.distributable = money_of(row[6]);
  run.min_payment = money_of(row[7]);
  run.cap = money_of(row[8]);
  run.allocated = money_of(row[9]);
  run.unallocated = money_of(row[10]);
  run.weighting_rule = row[11].as<std::string>();
  run.claimants_paid = row[12].as<std::uint64_t>();
  run.claimants_dropped = row[13].as<std::uint64_t>();
  run.claimants_capped = row[14].as<std::uint64_t>();
  run.reallocation_rounds = row[15].as<std::uint64_t>();
  run.paid_weight_total = parse_unsigned(row[16].c_str());
  run.uncapped_weight_total = parse_unsigned(row[17].c_str());
}

AllocationRunRecord read_run(const pqxx::row& row) {
  AllocationRunRecord run;
  read_run_totals(row, run);
  run.statistics.claimants_paid = run.claimants_paid;
  run.statistics.minimum = money_of(row[18]);
  run.statistics.median = money_of(row[19]);
  run.statistics.mean = money_of(row[20]);
  run.statistics.maximum = money_of(row[21]);
  run.statistics.total = run.allocated;
  run.inputs_sha256 = row[22].as<std::string>();
  run.output_sha256 = row[23].as<std::string>();
  run.created_by_user_id = row[24].as<std::int64_t>();
  run.created_by = row[25].as<std::string>();
  run.created_at = row[26].as<std::string>();
  run.approved_by = row[27].as<std::string>();
  run.approved_at = row[28].as<std::string>();
  return run;
}

std::vector<domain::DeviceTypeStatistics> read_device_types(Transaction& transaction,
                                                            std::int64_t run_id) {
  std::vector<domain::DeviceTypeStatistics> statistics;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT device_type, claimants_paid, claimants_dropped, total_cents, mean_cents "
           "FROM allocation_run_device_types WHERE run_id = $1 ORDER BY device_type",
           run_id)) {
    statistics.push_back({row[0].as<std::string>(), row[1].as<std::uint64_t>(),
                          row[2].as<std::uint64_t>(), money_of(row[3]), money_of(row[4])});
  }
  return statistics;
}

void append_number(std::string& text, std::int64_t value) {
  char digits[24];
  const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  DISBURSE_ASSERT(error == std::errc());
  text.append(digits, end);
}

// Sends COPY rows in chunks of about copy_chunk_bytes. pqxx 6.4 keeps stream_to's raw line
// private and sends each stream_to row with its own libpq call; tablewriter's write_raw_line
// is public and sends its text plus a newline as COPY data. COPY data is a byte stream, so a
// chunk of many newline-separated rows is as valid as one row, at a fraction of the calls.
// tablewriter is deprecated in 6.4 only in favour of stream_to, whose raw path is closed.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
class CopyWriter {
 public:
  CopyWriter(Transaction& transaction, const std::string& table)
      : writer_(transaction.sql(), table) {
    chunk_.reserve(copy_chunk_bytes + 256);
  }

  // The row's fields, tab-separated, already in COPY text form.
  std::string& row() {
    if (!chunk_.empty()) chunk_ += '\n';
    return chunk_;
  }

  void end_row() {
    if (chunk_.size() < copy_chunk_bytes) return;
    writer_.write_raw_line(chunk_);
    chunk_.clear();
  }

  void complete() {
    if (!chunk_.empty()) writer_.write_raw_line(chunk_);
    chunk_.clear();
    writer_.complete();
  }

 private:
  pqxx::tablewriter writer_;
  std::string chunk_;
};
#pragma GCC diagnostic pop

}  // namespace

void extend_statement_timeout(Transaction& transaction, int timeout_ms) {
  // set_config(…, true) is SET LOCAL with a bound parameter.
  transaction.sql().exec_params1("SELECT set_config('statement_timeout', $1, true)",
                                 std::to_string(timeout_ms));
}

void for_each_approved_claim(Transaction& transaction, std::int64_t program_id,
                             const std::function<void(std::int64_t claimant_id,
                                                      const domain::ClaimantWeightSource&)>& each) {
  for_each_batch(
      transaction, "approved_claims",
      "SELECT id, device_type, account_months, imported_weight FROM claimants "
      "WHERE program_id = $1 AND claim_state = 'approved' ORDER BY id",
      [&](const pqxx::result& rows) {
        for (const auto& row : rows) {
          domain::ClaimantWeightSource source;
          if (!row[1].is_null())
            source.device_type = std::string_view(row[1].c_str(), row[1].size());
          source.account_months = optional_of<std::int64_t>(row[2]);
          source.imported_weight = optional_of<std::int64_t>(row[3]);
          each(row[0].as<std::int64_t>(), source);
        }
      },
      program_id);
}

std::int64_t insert_allocation_run(Transaction& transaction, const NewAllocationRun& run,
                                   const domain::AllocationResult& result) {
  auto& sql = transaction.sql();
  const domain::AllocationParameters& parameters = result.parameters;
  const std::int64_t run_id =
      sql.exec_params1(
             "INSERT INTO allocation_runs (program_id, round, seed, distributable_cents, "
             "min_payment_cents, cap_cents, weighting_rule, allocated_cents, claimants_paid, "
             "claimants_dropped, weight_total, inputs_sha256, output_sha256, created_by_user_id, "
             "created_by, outcome, unallocated_cents, claimants_capped, uncapped_weight_total, "
             "reallocation_rounds, share_minimum_cents, share_median_cents, share_mean_cents, "
             "share_maximum_cents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
             "$11::numeric, $12, $13, NULLIF($14, 0), $15, $16, $17, $18, $19::numeric, $20, "
             "$21, $22, $23, $24) RETURNING id",
             run.program_id, run.round, static_cast<std::int64_t>(parameters.seed),
             parameters.distributable.cents(), parameters.minimum_payment.cents(),
             parameters.cap_per_claimant.cents(), run.weighting_rule, result.allocated.cents(),
             result.claimants_paid, result.claimants_dropped,
             std::to_string(result.paid_weight_total), run.inputs_sha256, run.output_sha256,
             run.created_by_user_id, run.created_by, std::string(domain::to_string(result.outcome)),
             result.unallocated.cents(), result.claimants_capped,
             std::to_string(result.uncapped_weight_total), result.reallocation_rounds,
             run.statistics.minimum.cents(), run.statistics.median.cents(),
             run.statistics.mean.cents(), run.statistics.maximum.cents())[0]
          .as<std::int64_t>();
  for (const auto& device : run.by_device_type) {
    sql.exec_params0(
        "INSERT INTO allocation_run_device_types (run_id, device_type, claimants_paid, "
        "claimants_dropped, total_cents, mean_cents) VALUES ($1, $2, $3, $4, $5, $6)",
        run_id, device.device_type, device.claimants_paid, device.claimants_dropped,
        device.total.cents(), device.mean.cents());
  }
  return run_id;
}

void copy_allocation_shares(Transaction& transaction, std::int64_t run_id,
                            const domain::AllocationResult& result) {
  CopyWriter writer(transaction, "allocation_shares");
  for (const domain::ClaimantShare& share : result.shares) {
    std::string& row = writer.row();
    append_number(row, run_id);
    row += '\t';
    append_number(row, share.claimant_id);
    row += '\t';
    append_number(row, static_cast<std::int64_t>(share.weight));
    row += '\t';
    append_number(row, share.share.cents());
    row += '\t';
    row += domain::to_string(share.status);
    writer.end_row();
  }
  writer.complete();
}

std::optional<AllocationRunRecord> find_allocation_run(Transaction& transaction,
                                                       std::int64_t run_id, bool lock) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("SELECT ") + run_columns + " FROM allocation_runs WHERE id = $1" +
          (lock ? " FOR UPDATE" : ""),
      run_id);
  if (rows.empty()) return std::nullopt;
  AllocationRunRecord run = read_run(rows[0]);
  run.by_device_type = read_device_types(transaction, run_id);
  return run;
}

std::vector<AllocationRunRecord> list_allocation_runs(Transaction& transaction,
                                                      std::int64_t program_id, int limit) {
  std::vector<AllocationRunRecord> runs;
  for (const auto& row : transaction.sql().exec_params(
           std::string("SELECT ") + run_columns +
               " FROM allocation_runs WHERE program_id = $1 ORDER BY id DESC LIMIT $2",
           program_id, limit)) {
    runs.push_back(read_run(row));
  }
  return runs;
}

std::optional<std::int64_t> approved_run_id(Transaction& transaction, std::int64_t program_id,
                                            int round) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT id FROM allocation_runs WHERE program_id = $1 AND round = $2 AND state = 'approved'",
      program_id, round);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void mark_run_approved(Transaction& transaction, std::int64_t run_id, const std::string& state,
                       std::int64_t user_id, const std::string& user_name) {
  transaction.sql().exec_params0(
      "UPDATE allocation_runs SET state = $2, approved_by_user_id = $3, approved_by = $4, "
      "approved_at = now() WHERE id = $1",
      run_id, state, user_id, user_name);
}

std::int64_t supersede_other_runs(Transaction& transaction, std::int64_t program_id, int round,
                                  std::int64_t approved_run_id, const std::string& from_state,
                                  const std::string& to_state) {
  return transaction.sql()
      .exec_params(
          "UPDATE allocation_runs SET state = $5 WHERE program_id = $1 AND round = $2 "
          "AND id <> $3 AND state = $4",
          program_id, round, approved_run_id, from_state, to_state)
      .affected_rows();
}

std::int64_t create_run_payments(Transaction& transaction, const RunPayments& payments,
                                 const std::vector<PaymentReference>& references) {
  auto& sql = transaction.sql();
  sql.exec0(
      "CREATE TEMPORARY TABLE run_payment_references (claimant_id BIGINT PRIMARY KEY, "
      "reference TEXT NOT NULL) ON COMMIT DROP");
  CopyWriter writer(transaction, "run_payment_references");
  for (const PaymentReference& reference : references) {
    std::string& row = writer.row();
    append_number(row, reference.claimant_id);
    row += '\t';
    row += reference.reference;  // Crockford base-32 and '-': nothing COPY would escape.
    writer.end_row();
  }
  writer.complete();
  const pqxx::result inserted = sql.exec_params(
      "INSERT INTO payments (program_id, claimant_id, round, attempt, run_id, method, "
      "amount_cents, currency, state, reference) "
      "SELECT $1, s.claimant_id, $2, $3, s.run_id, c.payment_method, s.share_cents, $4, $5, "
      "r.reference FROM allocation_shares s JOIN claimants c ON c.id = s.claimant_id "
      "JOIN run_payment_references r ON r.claimant_id = s.claimant_id "
      "WHERE s.run_id = $6 AND s.status <> 'below_minimum' AND s.share_cents > 0",
      payments.program_id, payments.round, payments.attempt, payments.currency, payments.state,
      payments.run_id);
  sql.exec_params0(
      "INSERT INTO payment_events (payment_id, from_state, to_state, actor, reason) "
      "SELECT id, NULL, state, $2, $3 FROM payments WHERE run_id = $1 AND attempt = $4",
      payments.run_id, payments.actor, payments.reason, payments.attempt);
  sql.exec0("DROP TABLE run_payment_references");
  return inserted.affected_rows();
}

std::optional<ShareOfClaim> find_share_by_claim_number(Transaction& transaction,
                                                       std::int64_t run_id,
                                                       const std::string& claim_number) {
  const pqxx::result rows = transaction.sql().exec_params(
      "SELECT c.id, c.claim_number, s.weight, s.share_cents, s.status, c.device_type, "
      "c.account_months, c.imported_weight FROM claimants c "
      "JOIN allocation_shares s ON s.claimant_id = c.id AND s.run_id = $1 "
      "WHERE c.claim_number = $2",
      run_id, claim_number);
  if (rows.empty()) return std::nullopt;
  const pqxx::row row = rows[0];
  ShareOfClaim share;
  share.claimant_id = row[0].as<std::int64_t>();
  share.claim_number = row[1].as<std::string>();
  share.weight = row[2].as<std::uint64_t>();
  share.share = money_of(row[3]);
  share.status = parse_share_status(row[4].c_str());
  share.device_type = optional_of<std::string>(row[5]);
  share.account_months = optional_of<std::int64_t>(row[6]);
  share.imported_weight = optional_of<std::int64_t>(row[7]);
  return share;
}

std::uint64_t weight_total_at_least(Transaction& transaction, std::int64_t run_id,
                                    std::uint64_t weight) {
  return parse_unsigned(transaction.sql()
                            .exec_params1("SELECT coalesce(sum(weight), 0)::text FROM "
                                          "allocation_shares WHERE run_id = $1 AND weight >= $2",
                                          run_id, weight)[0]
                            .c_str());
}

std::uint64_t for_each_share(Transaction& transaction, std::int64_t run_id,
                             const std::function<void(const ShareLine&)>& each) {
  std::uint64_t count = 0;
  for_each_batch(
      transaction, "run_shares",
      "SELECT c.claim_number, s.share_cents, s.weight, s.status FROM allocation_shares s "
      "JOIN claimants c ON c.id = s.claimant_id WHERE s.run_id = $1 ORDER BY s.claimant_id",
      [&](const pqxx::result& rows) {
        for (const auto& row : rows) {
          each({std::string_view(row[0].c_str(), row[0].size()), row[1].as<std::int64_t>(),
                row[2].as<std::uint64_t>(), std::string_view(row[3].c_str(), row[3].size())});
          count++;
        }
      },
      run_id);
  return count;
}

}  // namespace disburse::pg
