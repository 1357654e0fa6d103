#include "disburse/app/sessions.hpp"

#include <sodium.h>

#include "disburse/app/users.hpp"
#include "disburse/domain/errors.hpp"
#include "disburse/pg/audit_repository.hpp"
#include "disburse/pg/sessions_repository.hpp"
#include "disburse/pg/throttle_repository.hpp"

namespace disburse::app {

namespace {

// Keyed hashes, so that the counters name neither user names nor addresses in plain text.
std::vector<std::string> sign_in_buckets(const security::SecretBox& secrets,
                                         const std::string& username,
                                         const std::string& client_address) {
  const std::string key = secrets.derive_key("sign-in throttle");
  return {security::keyed_hash_hex(key, "user:" + username),
          security::keyed_hash_hex(key, "address:" + client_address)};
}

Actor authenticate_throttled(pg::Database& database, const std::vector<std::string>& buckets,
                             const std::string& username, const std::string& password) {
  const pg::RateLimitSettings limits{sign_in_failures_allowed, sign_in_window_seconds};
  const auto retry_after = database.read([&](pg::Transaction& transaction) {
    return pg::throttle_retry_after(transaction, buckets, limits);
  });
  if (retry_after) {
    throw RateLimited("too many failed sign-ins; try again later", *retry_after);
  }
  try {
    return authenticate(database, username, password, "console");
  } catch (const Unauthenticated&) {
    database.write([&](pg::Transaction& transaction) {
      pg::record_lookup_failure(transaction, buckets, limits);
    });
    throw;
  }
}

}  // namespace

SignedIn sign_in(pg::Database& database, const security::SecretBox& secrets,
                 const std::string& username, const std::string& password,
                 const std::string& client_address) {
  const auto buckets = sign_in_buckets(secrets, username, client_address);
  Actor actor = authenticate_throttled(database, buckets, username, password);
  SignedIn signed_in{actor, security::random_token(32)};
  const std::string digest = security::sha256_hex(signed_in.session_id);
  database.write([&](pg::Transaction& transaction) {
    pg::insert_session(transaction, digest, actor.user_id, session_absolute_timeout_seconds);
    pg::append_audit(transaction, {actor.name, "session.sign_in", "user",
                                   std::to_string(actor.user_id), 0, "{}"});
  });
  return signed_in;
}

Actor resume_session(pg::Database& database, const std::string& session_id) {
  if (session_id.empty()) throw Unauthenticated("sign in first");
  const std::string digest = security::sha256_hex(session_id);
  const auto user = database.write([&](pg::Transaction& transaction) {
    return pg::resume_session(transaction, digest, session_idle_timeout_seconds);
  });
  if (!user) throw Unauthenticated("the session has ended; sign in again");
  return Actor{user->id, user->username, user->role, "console"};
}

void sign_out(pg::Database& database, const std::string& session_id) {
  if (session_id.empty()) return;
  const std::string digest = security::sha256_hex(session_id);
  database.write([&](pg::Transaction& transaction) { pg::end_session(transaction, digest); });
}

std::string csrf_token(const security::SecretBox& secrets, const std::string& session_id) {
  return security::keyed_hash_hex(secrets.derive_key("csrf"), session_id);
}

bool csrf_token_matches(const security::SecretBox& secrets, const std::string& session_id,
                        const std::string& token) {
  const std::string expected = csrf_token(secrets, session_id);
  // Constant-time comparison: the token must not be guessable byte by byte from timings.
  return token.size() == expected.size() &&
         sodium_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

}  // namespace disburse::app
