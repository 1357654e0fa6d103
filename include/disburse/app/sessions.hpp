#pragma once
// Console sign-in: sessions with random 256-bit ids (stored hashed), idle and absolute
// timeouts, and a CSRF token bound to each session.

#include <string>

#include "disburse/app/actor.hpp"
#include "disburse/pg/database.hpp"
#include "disburse/security/crypto.hpp"

namespace disburse::app {

inline constexpr int session_idle_timeout_seconds = 30 * 60;
inline constexpr int session_absolute_timeout_seconds = 12 * 60 * 60;

struct SignedIn {
  Actor actor;
  std::string session_id;  // The cookie value; never stored or logged.
};

// Sign-in failures allowed per user name and per client address in each window, across all
// servers, before sign-in is refused with RateLimited until the window ends.
inline constexpr int sign_in_failures_allowed = 5;
inline constexpr int sign_in_window_seconds = 15 * 60;

// Checks the password (Unauthenticated on any failure, one message for all), opens a session
// and audits the sign-in. Throttled per user name and per client address.
SignedIn sign_in(pg::Database& database, const security::SecretBox& secrets,
                 const std::string& username, const std::string& password,
                 const std::string& client_address);

// The session's actor, or Unauthenticated when it is unknown, ended or timed out.
Actor resume_session(pg::Database& database, const std::string& session_id);

void sign_out(pg::Database& database, const std::string& session_id);

// The CSRF token for a session: a keyed hash of the session id, so that it needs no storage and
// a token from one session is worthless in another.
std::string csrf_token(const security::SecretBox& secrets, const std::string& session_id);
bool csrf_token_matches(const security::SecretBox& secrets, const std::string& session_id,
                        const std::string& token);

}  // namespace disburse::app
