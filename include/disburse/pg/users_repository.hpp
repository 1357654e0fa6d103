#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "disburse/domain/roles.hpp"
#include "disburse/pg/database.hpp"

namespace disburse::pg {

struct UserRecord {
  std::int64_t id = 0;
  std::string username;
  domain::Role role = domain::Role::auditor;
  std::string password_hash;
  bool disabled = false;
  std::string created_at;
};

// Throws Conflict when the user name is taken.
UserRecord insert_user(Transaction& transaction, const std::string& username, domain::Role role,
                       const std::string& password_hash);
std::optional<UserRecord> find_user_by_name(Transaction& transaction, const std::string& username);
std::optional<UserRecord> find_user_by_id(Transaction& transaction, std::int64_t user_id);
std::vector<UserRecord> list_users(Transaction& transaction);

struct TokenRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  std::string created_at;
  std::string last_used_at;
  bool revoked = false;
  std::string expires_at;
  bool expired = false;
};

struct InsertedToken {
  std::int64_t id = 0;
  std::string expires_at;  // ISO 8601, UTC.
};
InsertedToken insert_token(Transaction& transaction, std::int64_t user_id, const std::string& name,
                           const std::string& token_sha256, int lifetime_days);
// The live (not revoked, not expired, user not disabled) token's user; marks the token used.
std::optional<UserRecord> find_user_by_token(Transaction& transaction,
                                             const std::string& token_sha256);
std::vector<TokenRecord> list_tokens(Transaction& transaction, std::int64_t user_id);
// Returns false when no live token with that id belongs to the user.
bool revoke_token(Transaction& transaction, std::int64_t token_id, std::int64_t user_id);

}  // namespace disburse::pg
