#include "disburse/pg/sessions_repository.hpp"

#include <pqxx/pqxx>

namespace disburse::pg {

void insert_session(Transaction& transaction, const std::string& id_sha256, std::int64_t user_id,
                    int absolute_timeout_seconds) {
  transaction.sql().exec_params0(
      "INSERT INTO sessions (id_sha256, user_id, absolute_expires_at) "
      "VALUES ($1, $2, now() + $3 * interval '1 second')",
      id_sha256, user_id, absolute_timeout_seconds);
}

std::optional<UserRecord> resume_session(Transaction& transaction, const std::string& id_sha256,
                                         int idle_timeout_seconds) {
  auto& sql = transaction.sql();
  const pqxx::result live = sql.exec_params(
      "UPDATE sessions SET last_seen_at = now() WHERE id_sha256 = $1 AND ended_at IS NULL "
      "AND absolute_expires_at > now() AND last_seen_at > now() - $2 * interval '1 second' "
      "RETURNING user_id",
      id_sha256, idle_timeout_seconds);
  if (live.empty()) {
    end_session(transaction, id_sha256);
    return std::nullopt;
  }
  auto user = find_user_by_id(transaction, live[0][0].as<std::int64_t>());
  if (!user || user->disabled) return std::nullopt;
  return user;
}

void end_session(Transaction& transaction, const std::string& id_sha256) {
  transaction.sql().exec_params0(
      "UPDATE sessions SET ended_at = now() WHERE id_sha256 = $1 AND ended_at IS NULL", id_sha256);
}

}  // namespace disburse::pg
