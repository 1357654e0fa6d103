#include "disburse/pg/programs_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/errors.hpp"

namespace disburse::pg {

namespace {

constexpr const char* program_columns =
    "id, name, currency, fund_cents, reserve_cents, min_payment_cents, weighting_rule, "
    "paypal_window_days, check_window_days, cure_window_days, status, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at";

domain::Program read_program(const pqxx::row& row) {
  domain::Program program;
  program.id = row["id"].as<std::int64_t>();
  domain::ProgramSettings& settings = program.settings;
  settings.name = row["name"].as<std::string>();
  settings.currency = row["currency"].as<std::string>();
  settings.fund = domain::Money::from_cents(row["fund_cents"].as<std::int64_t>());
  settings.reserve = domain::Money::from_cents(row["reserve_cents"].as<std::int64_t>());
  settings.min_payment = domain::Money::from_cents(row["min_payment_cents"].as<std::int64_t>());
  settings.paypal_window_days = row["paypal_window_days"].as<int>();
  settings.check_window_days = row["check_window_days"].as<int>();
  settings.cure_window_days = row["cure_window_days"].as<int>();
  program.weighting_rule = row["weighting_rule"].as<std::string>();
  program.status = row["status"].as<std::string>();
  program.created_at = row["created_at"].as<std::string>();
  return program;
}

std::optional<domain::Program> first_program(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_program(rows[0]);
}

}  // namespace

domain::Program insert_program(Transaction& transaction, const domain::ProgramSettings& settings) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("INSERT INTO programs (name, currency, fund_cents, reserve_cents, "
                  "min_payment_cents, paypal_window_days, check_window_days, cure_window_days) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING ") +
          program_columns,
      settings.name, settings.currency, settings.fund.cents(), settings.reserve.cents(),
      settings.min_payment.cents(), settings.paypal_window_days, settings.check_window_days,
      settings.cure_window_days);
  if (rows.empty()) throw Conflict("a program named '" + settings.name + "' already exists");
  return read_program(rows[0]);
}

std::optional<domain::Program> find_program(Transaction& transaction, std::int64_t program_id) {
  return first_program(transaction.sql().exec_params(
      std::string("SELECT ") + program_columns + " FROM programs WHERE id = $1", program_id));
}

// NO KEY UPDATE, the lock an UPDATE of the row takes: it excludes the other lockers of the
// program, yet lets rows that merely refer to the program (a new upload's import row, whose
// foreign key takes a key-share lock) be written meanwhile. An import holds this lock for as
// long as it runs, minutes for a million rows.
std::optional<domain::Program> lock_program(Transaction& transaction, std::int64_t program_id) {
  // NO KEY UPDATE: holders exclude each other (and FOR SHARE) as FOR UPDATE would, but rows that
  // merely reference the program (an upload's imports row, through its foreign key's KEY SHARE
  // lock) are not held up for as long as an import or an allocation runs.
  return first_program(transaction.sql().exec_params(
      std::string("SELECT ") + program_columns + " FROM programs WHERE id = $1 FOR NO KEY UPDATE",
      program_id));
}

std::vector<domain::Program> list_programs(Transaction& transaction) {
  std::vector<domain::Program> programs;
  for (const auto& row : transaction.sql().exec(std::string("SELECT ") + program_columns +
                                                " FROM programs ORDER BY id")) {
    programs.push_back(read_program(row));
  }
  return programs;
}

void update_weighting_rule(Transaction& transaction, std::int64_t program_id,
                           const std::string& canonical_text) {
  transaction.sql().exec_params0("UPDATE programs SET weighting_rule = $2 WHERE id = $1",
                                 program_id, canonical_text);
}

void update_program_status(Transaction& transaction, std::int64_t program_id,
                           const std::string& status) {
  transaction.sql().exec_params0("UPDATE programs SET status = $2 WHERE id = $1", program_id,
                                 status);
}

}  // namespace disburse::pg
