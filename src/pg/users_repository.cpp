#include "disburse/pg/users_repository.hpp"

#include <pqxx/pqxx>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::pg {

namespace {

constexpr const char* user_columns =
    "id, username, role, password_hash, disabled_at IS NOT NULL AS disabled, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at";

UserRecord read_user(const pqxx::row& row) {
  UserRecord user;
  user.id = row["id"].as<std::int64_t>();
  user.username = row["username"].as<std::string>();
  const auto role = domain::parse_role(row["role"].as<std::string>());
  DISBURSE_ASSERT(role.has_value());
  user.role = *role;
  user.password_hash = row["password_hash"].as<std::string>();
  user.disabled = row["disabled"].as<bool>();
  user.created_at = row["created_at"].as<std::string>();
  return user;
}

std::optional<UserRecord> first_user(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return read_user(rows[0]);
}

}  // namespace

UserRecord insert_user(Transaction& transaction, const std::string& username, domain::Role role,
                       const std::string& password_hash) {
  const pqxx::result rows = transaction.sql().exec_params(
      std::string("INSERT INTO users (username, role, password_hash) VALUES ($1, $2, $3) "
                  "ON CONFLICT (username) DO NOTHING RETURNING ") + user_columns,
      username, std::string(domain::to_string(role)), password_hash);
  if (rows.empty()) throw Conflict("a user named '" + username + "' already exists");
  return read_user(rows[0]);
}

std::optional<UserRecord> find_user_by_name(Transaction& transaction, const std::string& username) {
  return first_user(transaction.sql().exec_params(
      std::string("SELECT ") + user_columns + " FROM users WHERE username = $1", username));
}

std::optional<UserRecord> find_user_by_id(Transaction& transaction, std::int64_t user_id) {
  return first_user(transaction.sql().exec_params(
      std::string("SELECT ") + user_columns + " FROM users WHERE id = $1", user_id));
}

std::vector<UserRecord> list_users(Transaction& transaction) {
  std::vector<UserRecord> users;
  for (const auto& row :
       transaction.sql().exec(std::string("SELECT ") + user_columns + " FROM users ORDER BY username")) {
    users.push_back(read_user(row));
  }
  return users;
}

InsertedToken insert_token(Transaction& transaction, std::int64_t user_id, const std::string& name,
                           const std::string& token_sha256, int lifetime_days) {
  const pqxx::row row = transaction.sql().exec_params1(
      "INSERT INTO api_tokens (user_id, name, token_sha256, expires_at) "
      "VALUES ($1, $2, $3, now() + $4 * interval '1 day') RETURNING id, "
      "to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
      user_id, name, token_sha256, lifetime_days);
  return {row[0].as<std::int64_t>(), row[1].as<std::string>()};
}

std::optional<UserRecord> find_user_by_token(Transaction& transaction,
                                             const std::string& token_sha256) {
  const pqxx::result rows = transaction.sql().exec_params(
      "UPDATE api_tokens SET last_used_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL "
      "AND expires_at > now() RETURNING user_id",
      token_sha256);
  if (rows.empty()) return std::nullopt;
  auto user = find_user_by_id(transaction, rows[0][0].as<std::int64_t>());
  if (!user || user->disabled) return std::nullopt;
  return user;
}

std::vector<TokenRecord> list_tokens(Transaction& transaction, std::int64_t user_id) {
  std::vector<TokenRecord> tokens;
  for (const auto& row : transaction.sql().exec_params(
           "SELECT id, user_id, name, "
           "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
           "coalesce(to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
           "revoked_at IS NOT NULL, "
           "to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
           "expires_at <= now() FROM api_tokens WHERE user_id = $1 ORDER BY id",
           user_id)) {
    tokens.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                      row[2].as<std::string>(), row[3].as<std::string>(),
                      row[4].as<std::string>(), row[5].as<bool>(), row[6].as<std::string>(),
                      row[7].as<bool>()});
  }
  return tokens;
}

bool revoke_token(Transaction& transaction, std::int64_t token_id, std::int64_t user_id) {
  return !transaction.sql()
              .exec_params("UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND "
                           "user_id = $2 AND revoked_at IS NULL RETURNING id",
                           token_id, user_id)
              .empty();
}

}  // namespace disburse::pg
