#include "disburse/app/users.hpp"

#include "disburse/domain/errors.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

namespace {

void check_username(const std::string& username) {
  const bool well_formed =
      !username.empty() && username.size() <= 64 &&
      username.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos &&
      username.front() != '.' && username.front() != '-' && username.front() != '_';
  if (!well_formed) {
    throw InvalidInput("a user name has 1 to 64 characters: lower-case letters, digits, '.', '_' "
                       "or '-', starting with a letter or digit");
  }
}

void check_password(const std::string& password) {
  if (password.size() < minimum_password_length || password.size() > maximum_password_length) {
    throw InvalidInput("a password must have at least " + std::to_string(minimum_password_length) +
                       " characters");
  }
}

Actor actor_of(const pg::UserRecord& user, const std::string& channel) {
  return Actor{user.id, user.username, user.role, channel};
}

}  // namespace

pg::UserRecord add_user(pg::Database& database, const Actor& actor, const std::string& username,
                        const std::string& role, const std::string& password) {
  require(actor, domain::Permission::manage_users);
  check_username(username);
  const auto parsed_role = domain::parse_role(role);
  if (!parsed_role) throw InvalidInput("the role must be admin, reviewer, finance or auditor");
  check_password(password);
  // Hash before the transaction: it takes ~100 ms of CPU and must not hold locks meanwhile.
  const std::string password_hash = security::hash_password(password);
  return database.write([&](pg::Transaction& transaction) {
    pg::UserRecord user = pg::insert_user(transaction, username, *parsed_role, password_hash);
    pg::append_audit(transaction, {actor.name, "user.add", "user", std::to_string(user.id), 0,
                                   "{\"role\":\"" + role + "\"}"});
    return user;
  });
}

std::vector<pg::UserRecord> list_users(pg::Database& database, const Actor& actor) {
  require(actor, domain::Permission::manage_users);
  return database.read([](pg::Transaction& transaction) { return pg::list_users(transaction); });
}

Actor authenticate(pg::Database& database, const std::string& username,
                   const std::string& password, const std::string& channel) {
  const auto user = database.read(
      [&](pg::Transaction& transaction) { return pg::find_user_by_name(transaction, username); });
  // A dummy verification for unknown users keeps the answer time the same either way.
  static const std::string dummy_hash = security::hash_password("not a real password at all");
  const bool password_ok = security::verify_password(password, user ? user->password_hash : dummy_hash);
  if (!user || user->disabled || !password_ok || password.size() > maximum_password_length) {
    throw Unauthenticated("wrong user name or password");
  }
  return actor_of(*user, channel);
}

CreatedToken create_token(pg::Database& database, const Actor& actor, const std::string& name,
                          std::int64_t lifetime_days) {
  if (!actor.is_user()) throw InvalidInput("tokens belong to a user: act as one with --as");
  if (name.empty() || name.size() > 100) throw InvalidInput("a token name has 1 to 100 characters");
  if (lifetime_days < 1 || lifetime_days > max_token_lifetime_days) {
    throw InvalidInput("a token lives 1 to " + std::to_string(max_token_lifetime_days) + " days");
  }
  CreatedToken created;
  created.token = "dsb_" + security::random_token();
  const std::string digest = security::sha256_hex(created.token);
  const pg::InsertedToken inserted = database.write([&](pg::Transaction& transaction) {
    const pg::InsertedToken token =
        pg::insert_token(transaction, actor.user_id, name, digest, static_cast<int>(lifetime_days));
    pg::append_audit(transaction,
                     {actor.name, "token.create", "token", std::to_string(token.id), 0, "{}"});
    return token;
  });
  created.id = inserted.id;
  created.expires_at = inserted.expires_at;
  return created;
}

nlohmann::json created_token_json(const CreatedToken& created, const Actor& actor) {
  return {{"id", created.id}, {"token", created.token}, {"user", actor.name},
          {"expires_at", created.expires_at}};
}

void revoke_token(pg::Database& database, const Actor& actor, std::int64_t token_id) {
  database.write([&](pg::Transaction& transaction) {
    if (!pg::revoke_token(transaction, token_id, actor.user_id)) {
      throw NotFound("no live token " + std::to_string(token_id) + " belongs to " + actor.name);
    }
    pg::append_audit(transaction,
                     {actor.name, "token.revoke", "token", std::to_string(token_id), 0, "{}"});
  });
}

std::vector<pg::TokenRecord> list_tokens(pg::Database& database, const Actor& actor) {
  return database.read(
      [&](pg::Transaction& transaction) { return pg::list_tokens(transaction, actor.user_id); });
}

Actor authenticate_token(pg::Database& database, const std::string& token) {
  const std::string digest = security::sha256_hex(token);
  const auto user = database.write(
      [&](pg::Transaction& transaction) { return pg::find_user_by_token(transaction, digest); });
  if (!user) throw Unauthenticated("the bearer token is not valid");
  return actor_of(*user, "api");
}

}  // namespace disburse::app
