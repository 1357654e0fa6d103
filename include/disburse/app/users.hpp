#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "disburse/app/actor.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/pg/users_repository.hpp"

namespace disburse::app {

// Passwords shorter than this are refused: the console faces the internet.
inline constexpr std::size_t minimum_password_length = 12;
inline constexpr std::size_t maximum_password_length = 1024;

pg::UserRecord add_user(pg::Database& database, const Actor& actor, const std::string& username,
                        const std::string& role, const std::string& password);
std::vector<pg::UserRecord> list_users(pg::Database& database, const Actor& actor);

// Checks a user's password. Throws Unauthenticated with one generic message for an unknown
// user, a wrong password and a disabled account alike, so that none can be told apart.
Actor authenticate(pg::Database& database, const std::string& username,
                   const std::string& password, const std::string& channel);

struct CreatedToken {
  std::int64_t id = 0;
  std::string token;  // Shown once; only its SHA-256 is stored.
  std::string expires_at;  // ISO 8601, UTC.
};
// A token lives `lifetime_days` (1 to max_token_lifetime_days) from its creation.
constexpr int default_token_lifetime_days = 90;
constexpr int max_token_lifetime_days = 365;
CreatedToken create_token(pg::Database& database, const Actor& actor, const std::string& name,
                          std::int64_t lifetime_days = default_token_lifetime_days);
// {"id", "token", "user", "expires_at"}: what the CLI and the API answer a creation with.
nlohmann::json created_token_json(const CreatedToken& created, const Actor& actor);
void revoke_token(pg::Database& database, const Actor& actor, std::int64_t token_id);
// The acting user's own tokens (never the secrets, which are not stored).
std::vector<pg::TokenRecord> list_tokens(pg::Database& database, const Actor& actor);
// The bearer token's user, or Unauthenticated.
Actor authenticate_token(pg::Database& database, const std::string& token);

}  // namespace disburse::app
