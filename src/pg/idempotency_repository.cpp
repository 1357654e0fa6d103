#include "disburse/pg/idempotency_repository.hpp"

#include <pqxx/pqxx>

namespace disburse::pg {

std::optional<StoredResponse> claim_idempotency_key(Transaction& transaction,
                                                    const std::string& scope,
                                                    const std::string& key,
                                                    const std::string& request_sha256) {
  auto& sql = transaction.sql();
  const pqxx::result inserted = sql.exec_params(
      "INSERT INTO idempotency_keys (scope, key, request_sha256, status_code, content_type, "
      "response_body) VALUES ($1, $2, $3, 0, '', '') ON CONFLICT (scope, key) DO NOTHING "
      "RETURNING key",
      scope, key, request_sha256);
  if (!inserted.empty()) return std::nullopt;
  const pqxx::row stored = sql.exec_params1(
      "SELECT request_sha256, status_code, content_type, response_body FROM idempotency_keys "
      "WHERE scope = $1 AND key = $2",
      scope, key);
  return StoredResponse{stored[0].as<std::string>(), stored[1].as<int>(),
                        stored[2].as<std::string>(), stored[3].as<std::string>()};
}

void store_idempotent_response(Transaction& transaction, const std::string& scope,
                               const std::string& key, int status_code,
                               const std::string& content_type, const std::string& body) {
  transaction.sql().exec_params0(
      "UPDATE idempotency_keys SET status_code = $3, content_type = $4, response_body = $5 "
      "WHERE scope = $1 AND key = $2",
      scope, key, status_code, content_type, body);
}

}  // namespace disburse::pg
